//! Relay `PageInfo`.

use async_graphql::SimpleObject;

use crate::service::paging::Page;

/// Where a page sits in its list.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct PageInfo {
    /// More items follow this page.
    pub has_next_page: bool,
    /// More items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of the page.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The page info of a page whose items have cursors made by `cursor_of`.
    pub fn of<T>(page: &Page<T>, cursor_of: impl Fn(&T) -> String) -> Self {
        PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
            start_cursor: page.items.first().map(&cursor_of),
            end_cursor: page.items.last().map(&cursor_of),
        }
    }
}
