//! Percent-decoding as git's `url_decode_mem` does it: `%` and two hex digits become
//! that byte, anything else stays as it is (no `+` rule). One loop for every URL reader
//! (remote URLs, the credential protocol's `url=`, credential requests, store files);
//! each decides what to accept of the bytes.

/// `s` with every `%XX` decoded (`%00` too).
pub fn decode(s: &str) -> Vec<u8> {
    decode_with(s, true)
}

/// `s` with every `%XX` decoded but `%00`, which stays as written (git's connect.c).
pub fn decode_but_nul(s: &str) -> Vec<u8> {
    decode_with(s, false)
}

fn decode_with(s: &str, nul: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| char::from(*c).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) if nul || hi * 16 + lo > 0 => {
                // Two hex digits are at most 0xff.
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(u8::MAX));
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_hex_digits_make_a_byte_and_nothing_else_does() {
        assert_eq!(decode("a%40b%2Fc"), b"a@b/c");
        assert_eq!(decode("%e9%"), [0xe9, b'%']);
        // A sign is no hex digit (`u8::from_str_radix` would take `+f`): git keeps it.
        assert_eq!(decode("%+f%g1%4"), b"%+f%g1%4");
        assert_eq!(decode("%00"), [0]);
        assert_eq!(decode_but_nul("%00%41"), b"%00A");
    }
}
