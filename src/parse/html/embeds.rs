//! Comment systems that load comments by script.

use super::dom::Dom;

/// The comment system that loads the page's comments by script, if any.
pub fn script_comments(_dom: &Dom) -> Option<&'static str> {
    None
}
