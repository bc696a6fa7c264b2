//! The token field's buffer: zeroized on drop, never printed by `Debug`.

use zeroize::Zeroizing;

use crate::model::token::MAX_LEN;

/// What the user typed or pasted. Room for any token is reserved up front so typing
/// does not reallocate (a reallocation would leave a copy behind in freed memory).
pub struct SecretBuf(Zeroizing<String>);

impl SecretBuf {
    pub fn new() -> SecretBuf {
        SecretBuf(Zeroizing::new(String::with_capacity(MAX_LEN + 1)))
    }

    /// A buffer holding `text` (tests, pastes).
    pub fn from_text(text: &str) -> SecretBuf {
        let mut b = SecretBuf::new();
        b.push_str(text);
        b
    }

    pub fn push(&mut self, c: char) {
        self.0.push(c);
    }

    pub fn push_str(&mut self, s: &str) {
        self.0.push_str(s);
    }

    pub fn pop(&mut self) {
        self.0.pop();
    }

    pub fn clear(&mut self) {
        // `clear` keeps the allocation; overwrite it first.
        zeroize::Zeroize::zeroize(&mut *self.0);
        self.0.reserve(MAX_LEN + 1);
    }

    /// The raw value: only for lint, mask and building the `Token`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }
}

impl Default for SecretBuf {
    fn default() -> SecretBuf {
        SecretBuf::new()
    }
}

impl std::fmt::Debug for SecretBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBuf({} chars)", self.chars())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value_and_clear_empties() {
        let mut b = SecretBuf::from_text("ghp_secretvalue");
        assert_eq!(format!("{b:?}"), "SecretBuf(15 chars)");
        b.pop();
        assert_eq!(b.expose(), "ghp_secretvalu");
        b.clear();
        assert!(b.is_empty());
        b.push('x');
        assert_eq!(b.expose(), "x");
    }
    /// The buffer's allocation, for the tests below: (address, capacity).
    fn allocation(b: &SecretBuf) -> (*const u8, usize) {
        (b.0.as_ptr(), b.0.capacity())
    }

    #[test]
    fn typing_a_whole_token_never_moves_the_buffer() {
        // A reallocation would leave a copy of the prefix in freed memory.
        let mut b = SecretBuf::new();
        let (ptr, cap) = allocation(&b);
        assert!(cap > MAX_LEN);
        for _ in 0..MAX_LEN {
            b.push('x');
        }
        b.pop();
        b.push_str("y");
        assert_eq!(allocation(&b), (ptr, cap));
    }

    #[test]
    fn clear_wipes_the_whole_allocation_in_place() {
        let mut b = SecretBuf::from_text(concat!("ghp_", "0123456789abcdefghijklmnopqrstuvwxyz"));
        b.pop(); // the popped byte stays in spare capacity: it must be wiped too
        let (ptr, cap) = allocation(&b);
        b.clear();
        // Same allocation, still owned by `b`, so reading it is sound; `zeroize` wrote
        // every byte of the capacity, so none of it is uninitialized.
        assert_eq!(allocation(&b), (ptr, cap));
        // SAFETY: `ptr` points to `cap` initialized bytes owned by the live `b`.
        let bytes = unsafe { std::slice::from_raw_parts(ptr, cap) };
        assert!(bytes.iter().all(|&x| x == 0), "bytes left after clear");
    }

    /// Drop of `Zeroizing` (what `SecretBuf` holds) wipes its value's storage before it
    /// is released. Shown on a value stored in a slot this test owns, so the memory can be
    /// read after the drop; for the heap buffer of `SecretBuf` the same `zeroize` runs
    /// (proved above to wipe the whole capacity) and then the allocation is freed, which
    /// cannot be read back soundly.
    #[test]
    fn zeroizing_wipes_its_storage_on_drop() {
        let mut secret = [0u8; 40];
        secret.copy_from_slice(concat!("ghp_", "0123456789abcdefghijklmnopqrstuvwxyz").as_bytes());
        let mut slot = std::mem::MaybeUninit::<Zeroizing<[u8; 40]>>::uninit();
        slot.write(Zeroizing::new(secret));
        // SAFETY: initialized just above; dropped exactly once.
        unsafe { slot.assume_init_drop() };
        // SAFETY: the slot is still ours and the drop overwrote all 40 bytes.
        let after = unsafe { *slot.as_ptr().cast::<[u8; 40]>() };
        assert_eq!(after, [0u8; 40]);
        // Control: a plain array's bytes survive its (no-op) drop, so the check above
        // would see a missing wipe.
        let mut plain = std::mem::MaybeUninit::<[u8; 40]>::uninit();
        plain.write(secret);
        // SAFETY: initialized just above.
        unsafe { plain.assume_init_drop() };
        // SAFETY: still ours and initialized.
        assert_eq!(unsafe { plain.assume_init() }, secret);
    }
}
