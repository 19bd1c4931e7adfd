//! The sites' policies and consent notices as the running server serves them now: one
//! generation, replaced whole when the policies are reloaded ([`reload`], on SIGHUP and when a
//! policy file changes, [`watch`]). A request takes the generation once, when it arrives, and
//! sees it to its end, so it never mixes an old policy with a new one.

pub mod reload;
pub mod watch;

use std::sync::{Arc, PoisonError, RwLock};

use crate::{notice::Notices, sites::Sites};

pub use reload::{Outcome, Reloader};
pub use watch::{watch, Fingerprint};

/// One generation: the validated sites and the notices compiled from exactly those policies.
pub struct Generation {
    /// The sites and their policies.
    pub sites: Arc<Sites>,
    /// Their consent notices (compiled on first request, per site and language).
    pub notices: Arc<Notices>,
}

/// The current [`Generation`], swapped atomically.
pub struct LiveSites {
    current: RwLock<Arc<Generation>>,
}

impl LiveSites {
    /// The first generation, from the sites loaded on start.
    pub fn new(sites: Sites) -> LiveSites {
        let notices = Arc::new(Notices::new(&sites));
        LiveSites { current: RwLock::new(Arc::new(Generation { sites: Arc::new(sites), notices })) }
    }

    /// The generation being served.
    pub fn current(&self) -> Arc<Generation> {
        // The lock only guards an Arc swap; a poisoned one still holds a whole generation.
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Serves `sites` from now on. The notices of a site whose policy is the very same
    /// (`Arc`) as before are kept; every other site's are compiled anew on first request.
    pub fn replace(&self, sites: Sites) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        let notices = Arc::new(current.notices.renew(&sites));
        *current = Arc::new(Generation { sites: Arc::new(sites), notices });
    }
}
