//! The thin, blocking edge over the `keyring` crate: read, write and delete one entry's
//! secret. Platforms without a supported OS keyring get a backend that always refuses,
//! so a memory-only store is never used silently.

use zeroize::Zeroizing;

use crate::model::keyring::KeyringUnavailable;

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "macos", target_os = "windows"))]
mod os {
    use zeroize::Zeroizing;

    use crate::model::keyring::KeyringUnavailable;
    use crate::store::error::{Kind, classify};

    fn unavailable(e: keyring::Error) -> KeyringUnavailable {
        let kind = match &e {
            keyring::Error::PlatformFailure(_) => Kind::Platform,
            keyring::Error::NoStorageAccess(_) => Kind::NoAccess,
            _ => Kind::Other,
        };
        let text = e.to_string();
        KeyringUnavailable::new(classify(kind, &text), text)
    }

    fn entry(service: &str, account: &str) -> Result<keyring::Entry, KeyringUnavailable> {
        keyring::Entry::new(service, account).map_err(unavailable)
    }

    pub fn read(service: &str, account: &str) -> Result<Option<Zeroizing<String>>, KeyringUnavailable> {
        match entry(service, account)?.get_password() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            // Not ours (not UTF-8): the caller treats it as an unreadable document.
            Err(keyring::Error::BadEncoding(bytes)) => {
                let bytes = Zeroizing::new(bytes);
                Ok(Some(Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned())))
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    pub fn write(service: &str, account: &str, secret: &str) -> Result<(), KeyringUnavailable> {
        entry(service, account)?.set_password(secret).map_err(unavailable)
    }

    pub fn delete(service: &str, account: &str) -> Result<(), KeyringUnavailable> {
        match entry(service, account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Whether the default Secret Service collection (where entries go) is locked.
    /// Asking never prompts. `Ok(false)` when there is no default collection yet.
    #[cfg(any(target_os = "linux", target_os = "freebsd"))]
    pub fn locked() -> Result<bool, KeyringUnavailable> {
        use secret_service::EncryptionType;
        use secret_service::blocking::SecretService;
        let platform = |e: secret_service::Error| {
            let text = e.to_string();
            KeyringUnavailable::new(classify(Kind::Platform, &text), text)
        };
        let ss = SecretService::connect(EncryptionType::Plain).map_err(platform)?;
        match ss.get_default_collection() {
            Ok(collection) => collection.is_locked().map_err(platform),
            Err(_) => Ok(false),
        }
    }

    /// The Keychain and the Credential Manager unlock with the user's login.
    #[cfg(not(any(target_os = "linux", target_os = "freebsd")))]
    pub fn locked() -> Result<bool, KeyringUnavailable> {
        Ok(false)
    }
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "macos", target_os = "windows")))]
mod os {
    use zeroize::Zeroizing;

    use crate::store::error::{KeyringUnavailable, Reason};

    fn none() -> KeyringUnavailable {
        KeyringUnavailable::new(Reason::NoProvider, "no supported OS keyring on this platform")
    }

    pub fn read(_: &str, _: &str) -> Result<Option<Zeroizing<String>>, KeyringUnavailable> {
        Err(none())
    }

    pub fn write(_: &str, _: &str, _: &str) -> Result<(), KeyringUnavailable> {
        Err(none())
    }

    pub fn delete(_: &str, _: &str) -> Result<(), KeyringUnavailable> {
        Err(none())
    }

    pub fn locked() -> Result<bool, KeyringUnavailable> {
        Err(none())
    }
}

/// The entry's secret, `None` when there is no entry.
pub fn read(service: &str, account: &str) -> Result<Option<Zeroizing<String>>, KeyringUnavailable> {
    os::read(service, account)
}

/// Create or replace the entry's secret.
pub fn write(service: &str, account: &str, secret: &str) -> Result<(), KeyringUnavailable> {
    os::write(service, account, secret)
}

/// Delete the entry; a missing entry is not an error.
pub fn delete(service: &str, account: &str) -> Result<(), KeyringUnavailable> {
    os::delete(service, account)
}

/// Whether the keyring is locked (asking never prompts).
pub fn locked() -> Result<bool, KeyringUnavailable> {
    os::locked()
}
