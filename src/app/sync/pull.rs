//! The pull of experiments and runs (see the module doc of `app::sync`).

use super::{Scope, Session};

pub(super) fn pull(s: &Session, scope: &Scope) -> crate::app::Result<()> {
    let _ = (s, scope);
    Err(crate::store::Error::Invalid("mlt pull is not built yet".into()).into())
}
