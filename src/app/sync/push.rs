//! The push of experiments and runs (see the module doc of `app::sync`).

use super::{Scope, Session};

pub(super) fn push(s: &Session, scope: &Scope) -> crate::app::Result<()> {
    let _ = (s, scope);
    Err(crate::store::Error::Invalid("mlt push is not built yet".into()).into())
}
