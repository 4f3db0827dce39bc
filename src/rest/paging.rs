//! Offset paging on the wire: the `Page` (1-based) and `PageSize` query parameters, and the
//! `@page…` fields a paged body carries before its collection.

use axum::extract::Query;
use axum::http::{StatusCode, Uri};
use serde::Serialize;

use super::envelope::RestError;
use crate::error::quoted;

/// The largest `PageSize` a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 20_000;

/// The default `PageSize` of the list of groups.
pub const DEFAULT_GROUPS_PAGE_SIZE: u64 = 100;

/// The default `PageSize` of the list of custom fields (the product's).
pub const DEFAULT_CUSTOM_FIELDS_PAGE_SIZE: u64 = 50;

/// The default `PageSize` of a group's members: large enough that ordinary groups come whole.
pub const DEFAULT_MEMBERS_PAGE_SIZE: u64 = MAX_PAGE_SIZE;

/// A requested page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// The page number, from 1.
    pub page: u64,
    /// Items per page, 1 to `MAX_PAGE_SIZE`.
    pub size: u64,
}

impl PageRequest {
    /// Reads `Page` and `PageSize` from the query string; 400 naming the parameter when one is
    /// not a number in range.
    pub fn from_uri(uri: &Uri, default_size: u64) -> Result<Self, RestError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri).map_err(|_| {
            RestError::new(StatusCode::BAD_REQUEST, "the query string is malformed")
        })?;
        super::form::once_each(&pairs, Some(&["Page", "PageSize"]))?;
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, v)| v.trim())
        };
        let page = match value("Page") {
            None => 1,
            Some(raw) => number("Page", raw, u64::MAX)?,
        };
        let size = match value("PageSize") {
            None => default_size,
            Some(raw) => number("PageSize", raw, MAX_PAGE_SIZE)?,
        };
        let request = PageRequest { page, size };
        // The offset goes to SQL as a signed 64-bit number.
        if request
            .checked_offset()
            .is_none_or(|offset| offset > i64::MAX as u64)
        {
            return Err(RestError::bad_parameter("Page", "Page is out of range"));
        }
        Ok(request)
    }

    fn checked_offset(&self) -> Option<u64> {
        (self.page - 1).checked_mul(self.size)
    }

    /// Rows before this page.
    pub fn offset(&self) -> u64 {
        self.checked_offset().unwrap_or(u64::MAX)
    }

    /// This page of the collection at `path`: `<path>?PageSize=<n>&Page=<p>` (after the
    /// path's own query, such as a list's filters, when it has one).
    pub fn uri(&self, path: &str) -> String {
        let join = if path.contains('?') { '&' } else { '?' };
        format!("{path}{join}PageSize={}&Page={}", self.size, self.page)
    }
}

fn number(name: &str, raw: &str, max: u64) -> Result<u64, RestError> {
    raw.parse::<u64>()
        .ok()
        .filter(|n| (1..=max).contains(n) && raw.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            let range = if max == u64::MAX {
                "a positive integer".to_owned()
            } else {
                format!("an integer from 1 to {max}")
            };
            RestError::bad_parameter(name, format!("{name} must be {range}, not {}", quoted(raw)))
        })
}

/// The page fields of a paged body, all strings, in the product's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PageFields {
    /// This page's number.
    #[serde(rename = "@page")]
    pub page: String,
    /// How many pages there are (`0` when there is nothing).
    #[serde(rename = "@numpages")]
    pub num_pages: String,
    /// The page size.
    #[serde(rename = "@pagesize")]
    pub page_size: String,
    /// How many items there are in all.
    #[serde(rename = "@total")]
    pub total: String,
    /// Zero-based row number of the page's first item (its offset).
    #[serde(rename = "@start")]
    pub start: String,
    /// Zero-based row number of the page's last item (the offset when the page is empty).
    #[serde(rename = "@end")]
    pub end: String,
    /// This page.
    #[serde(rename = "@uri")]
    pub uri: String,
    /// The first page.
    #[serde(rename = "@firstpageuri")]
    pub first_page_uri: String,
    /// The page before this one, `""` on page 1.
    #[serde(rename = "@previouspageuri")]
    pub previous_page_uri: String,
    /// The page after this one, `""` on the last page (and beyond).
    #[serde(rename = "@nextpageuri")]
    pub next_page_uri: String,
    /// The last page (page 1 when there is nothing).
    #[serde(rename = "@lastpageuri")]
    pub last_page_uri: String,
}

impl PageFields {
    /// The fields of `request`'s page of a collection at `path` holding `total` items, of
    /// which this page holds `count`.
    pub fn new(path: &str, request: PageRequest, total: u64, count: usize) -> Self {
        let PageRequest { page, size } = request;
        let num_pages = total.div_ceil(size);
        let uri = |page: u64| PageRequest { page, size }.uri(path);
        let start = request.offset();
        let end = start + (count as u64).saturating_sub(1);
        PageFields {
            page: page.to_string(),
            num_pages: num_pages.to_string(),
            page_size: size.to_string(),
            total: total.to_string(),
            start: start.to_string(),
            end: end.to_string(),
            uri: uri(page),
            first_page_uri: uri(1),
            previous_page_uri: if page > 1 {
                uri(page - 1)
            } else {
                String::new()
            },
            next_page_uri: if page < num_pages {
                uri(page + 1)
            } else {
                String::new()
            },
            last_page_uri: uri(num_pages.max(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str) -> Result<PageRequest, RestError> {
        let uri: Uri = format!("/x?{query}")
            .parse()
            .map_err(|_| RestError::unknown_path())?;
        PageRequest::from_uri(&uri, 100)
    }

    #[test]
    fn page_parameters_are_checked() {
        assert_eq!(request("").ok(), Some(PageRequest { page: 1, size: 100 }));
        assert_eq!(
            request("Page=3&PageSize=20000").ok(),
            Some(PageRequest {
                page: 3,
                size: 20_000
            })
        );
        for bad in [
            "Page=0",
            "Page=-1",
            "Page=x",
            "PageSize=0",
            "PageSize=20001",
            "Page=",
        ] {
            assert!(request(bad).is_err(), "{bad}");
        }
        assert!(request("Page=18446744073709551615&PageSize=2").is_err());
    }

    #[test]
    fn fields_describe_the_page() {
        let f = PageFields::new("/p", PageRequest { page: 2, size: 2 }, 5, 2);
        assert_eq!(
            (f.num_pages.as_str(), f.start.as_str(), f.end.as_str()),
            ("3", "2", "3")
        );
        assert_eq!(f.previous_page_uri, "/p?PageSize=2&Page=1");
        assert_eq!(f.next_page_uri, "/p?PageSize=2&Page=3");
        let empty = PageFields::new("/p", PageRequest { page: 1, size: 2 }, 0, 0);
        assert_eq!((empty.num_pages.as_str(), empty.end.as_str()), ("0", "0"));
        assert_eq!(empty.last_page_uri, "/p?PageSize=2&Page=1");
        assert_eq!(empty.next_page_uri, "");
    }
}
