//! The article from the markup.

use super::dom::Dom;
use super::render::Rendered;
use crate::parse::Page;

/// Where the article is.
pub struct Article {}

/// Finds the article.
pub fn find(_dom: &Dom, _r: &Rendered) -> Option<Article> {
    None
}

/// Makes the article's lines the page's editorial.
pub fn apply(_page: &mut Page, _r: &Rendered, _a: &Article) {}
