//! How the keyring crate's errors map to a [`Reason`].

use crate::model::keyring::Reason;

/// How the keyring crate classified an error, for [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `keyring::Error::PlatformFailure`
    Platform,
    /// `keyring::Error::NoStorageAccess`
    NoAccess,
    /// Any other variant.
    Other,
}

/// Decide the reason from the keyring error's kind and text (the platform errors are
/// boxed, so their text is all we can inspect).
pub fn classify(kind: Kind, text: &str) -> Reason {
    let lower = text.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    if has(&["servicehasowner", "serviceunknown", "service unknown", "not provided by any .service files"]) {
        return Reason::NoProvider;
    }
    if has(&[
        "no secret service provider or dbus session found",
        "dbus_session_bus_address",
        "no such file or directory",
        "connection refused",
    ]) {
        return Reason::NoSession;
    }
    if kind == Kind::NoAccess || has(&["islocked", "is locked", "object locked", "prompt dismissed", "no prompter"]) {
        return Reason::Locked;
    }
    Reason::Other
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn classify_table() {
        let table = [
            (Kind::Platform, "no secret service provider or dbus session found", Reason::NoSession),
            (
                Kind::Platform,
                "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files",
                Reason::NoProvider,
            ),
            (Kind::NoAccess, "SS Error: object locked", Reason::Locked),
            (Kind::NoAccess, "SS error: prompt dismissed", Reason::Locked),
            (Kind::NoAccess, "SS error: result not returned from SS API", Reason::Locked),
            (Kind::Platform, "zbus error: org.freedesktop.Secret.Error.IsLocked", Reason::Locked),
            (Kind::Platform, "Crypto error: bad padding", Reason::Other),
            (Kind::Other, "Attribute user is invalid", Reason::Other),
        ];
        for (kind, text, want) in table {
            assert_eq!(classify(kind, text), want, "{text}");
        }
    }
}
