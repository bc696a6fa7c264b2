//! Which account git sends for a repository: the credential request for the remote as
//! git will use it ([`crate::model::request`]), what the helpers hand out for it, and
//! where the user name comes from. One place for setup, doctor and status.

use crate::engine::{Deps, Error};
use crate::git::FillOutcome;
use crate::model::helpers::ConfigEntry;
use crate::model::remote::{self, Transport};
use crate::model::repo::RemoteView;
use crate::model::request::{Request, Sends, UserSource, request_for};

/// Every `credential.*` entry git sees here, in git's order, with scope and origin.
pub async fn entries(deps: &Deps) -> Result<Vec<ConfigEntry>, Error> {
    Ok(crate::git::config_entries(&deps.git, r"^credential\.").await?)
}

/// The URL git authenticates to when the user pushes to `view`'s remote: the push URL
/// as git uses it (after pushInsteadOf/insteadOf), when it is http(s) on the host.
/// `None` for an SSH or other remote (the token is not used for it).
pub fn push_url(view: &RemoteView) -> Option<&str> {
    let url = view.info.effective_push.as_str();
    remote::parse(url).is_ok_and(|u| matches!(u.transport, Transport::Https | Transport::Http)).then_some(url)
}

/// The request git makes for `url` (`None`: the host itself, no repository).
pub fn request(deps: &Deps, url: Option<&str>, entries: &[ConfigEntry]) -> Result<Request, Error> {
    match url {
        Some(u) => request_for(u, entries),
        None => Request::for_host(deps.host.scheme(), &deps.host.host_port(), entries),
    }
    .map_err(Error::CredentialConfig)
}

/// The account git sends for a repository, from the request and what the helpers
/// answered for it.
pub fn sends(request: &Request, fill: &FillOutcome) -> Option<Sends> {
    let answered = fill.credential.as_ref().and_then(|c| c.username.as_deref());
    Sends::of(request, answered, fill.helper().and_then(|h| h.file()))
}

/// Where a pinned user name comes from, for messages.
pub fn source_of(request: &Request) -> String {
    request.user_source.as_ref().map(UserSource::describe).unwrap_or_else(|| "a credential helper".into())
}
