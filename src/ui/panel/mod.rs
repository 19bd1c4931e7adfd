//! The control-panel view: demo login, "Mijn gegevens", "Toestemmingen" and "Verzoeken".

use crate::policy::Policy;
use crate::ui::Mount;
use std::rc::Rc;

/// A running control panel.
pub struct Panel {
    _mount: Rc<Mount>,
}

impl Panel {
    /// Starts the panel in `mount` for `policy`, talking to the backend at `api`.
    pub fn start(mount: Rc<Mount>, _policy: Rc<Policy>, _api: String, _site: String) -> Panel {
        mount.show_unavailable();
        Panel { _mount: mount }
    }
}
