//! Comments from the markup.

use super::dom::Dom;
use super::render::Rendered;
use super::Found;

/// The page's comment section, when the markup shows one.
pub fn find(_dom: &Dom, _r: &Rendered) -> Option<Found> {
    None
}
