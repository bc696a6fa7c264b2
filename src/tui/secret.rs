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
}
