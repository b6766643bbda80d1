//! Lists ordered by their columns' headings: each list names the orders
//! it offers, the heading of a column links to that column's order (pressed
//! again, its other direction), the order is kept in the URL (`sort=…`),
//! and where a phone's width hides the headings the same orders are a
//! choice in a select.

use crate::format;

/// One order a list can be put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// Its name in the URL.
    pub slug: &'static str,
    /// The order in words, for the choice offered where the headings are
    /// not shown.
    pub label: &'static str,
    /// The heading of the column it orders by.
    pub column: &'static str,
    pub descending: bool,
}

/// The orders a list offers, each beside the value its page asks the
/// service for.
pub struct Orders<T: 'static>(pub &'static [(T, Order)]);

impl<T: Copy + PartialEq> Orders<T> {
    /// The order named `slug` in a URL, if the list offers it.
    pub fn named(&self, slug: &str) -> Option<T> {
        self.0.iter().find(|(_, o)| o.slug == slug).map(|(t, _)| *t)
    }

    fn order(&self, value: T) -> Option<Order> {
        self.0.iter().find(|(t, _)| *t == value).map(|(_, o)| *o)
    }

    /// The headings and choices of the list at `path` in order `current`;
    /// `chosen` is the order named in the URL, if any; `params` are the
    /// list's other parameters (name and value; empty ones are left out),
    /// kept by every link that reorders or pages it.
    pub fn sorted(
        &self,
        current: T,
        chosen: Option<T>,
        path: &'static str,
        params: Vec<(&'static str, String)>,
    ) -> Sorted {
        self.sorted_as(SORT_PAGE, current, chosen, path, params)
    }

    /// As [`Orders::sorted`], for a list whose order and page travel in
    /// the URL as `names` (a page with two lists gives each its own).
    pub fn sorted_as(
        &self,
        names: ListParams,
        current: T,
        chosen: Option<T>,
        path: &'static str,
        params: Vec<(&'static str, String)>,
    ) -> Sorted {
        let kept: Vec<(&'static str, String)> = params.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let address = address(path, &kept);
        let link = |slug: &str| format!("{address}&{}={slug}", names.sort);
        let current = self.order(current);
        let mut headings: Vec<SortHeading> = Vec::new();
        for (_, order) in self.0 {
            if headings.iter().any(|h| h.label == order.column) {
                continue;
            }
            let of_column: Vec<Order> = self
                .0
                .iter()
                .map(|(_, o)| *o)
                .filter(|o| o.column == order.column)
                .collect();
            let in_force = current.filter(|c| c.column == order.column);
            let next = match in_force.and_then(|c| of_column.iter().position(|o| *o == c)) {
                Some(at) => of_column[(at + 1) % of_column.len()],
                None => of_column[0],
            };
            headings.push(SortHeading {
                label: order.column,
                href: link(next.slug),
                aria_sort: match in_force {
                    Some(c) if c.descending => "descending",
                    Some(_) => "ascending",
                    None => "",
                },
            });
        }
        Sorted {
            headings,
            chosen: chosen.and_then(|c| self.order(c)).map(|o| o.slug).unwrap_or_default(),
            path,
            names,
            choices: self
                .0
                .iter()
                .map(|(_, o)| (o.slug, o.label, Some(*o) == current))
                .collect(),
            kept,
        }
    }
}

/// The names in the URL of a list's order and page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams {
    pub sort: &'static str,
    pub page: &'static str,
    /// What the choice of order is called where the headings are hidden
    /// (each list's own, so a page's choices are told apart).
    pub label: &'static str,
}

/// The usual names: `sort=…&page=…`.
pub const SORT_PAGE: ListParams = ListParams {
    sort: "sort",
    page: "page",
    label: "Sắp xếp danh sách",
};

/// A column heading that orders the list by that column (a link, so the
/// order is kept in the URL with the list's filters).
pub struct SortHeading {
    pub label: &'static str,
    pub href: String,
    /// `aria-sort` of the column the list is ordered by ("" for the others).
    pub aria_sort: &'static str,
}

/// A list's orders as its page shows them.
pub struct Sorted {
    headings: Vec<SortHeading>,
    /// The order named in the URL ("" for the list's own), kept by its
    /// search form.
    pub chosen: &'static str,
    /// Every order, the one in force marked, for the select.
    pub choices: Vec<(&'static str, &'static str, bool)>,
    /// The list's other parameters the choice keeps (name, value).
    pub kept: Vec<(&'static str, String)>,
    /// Where the list is.
    path: &'static str,
    /// The names of its order and page in the URL.
    pub names: ListParams,
}

/// `path` with the parameters `kept` (name and value).
fn address(path: &str, kept: &[(&'static str, String)]) -> String {
    let query: Vec<String> = kept
        .iter()
        .map(|(name, value)| format!("{name}={}", format::url_encode(value)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

impl Sorted {
    /// The list's address at page `page` ("" for the first), in the order
    /// named in the URL.
    pub fn page_link(&self, page: &str) -> String {
        let mut href = address(self.path, &self.kept);
        if !self.chosen.is_empty() {
            href.push_str(&format!("&{}={}", self.names.sort, self.chosen));
        }
        if !page.is_empty() {
            href.push_str(&format!("&{}={}", self.names.page, format::url_encode(page)));
        }
        href
    }

    /// The list's first page with parameter `name` set to `value` (another
    /// of its views, say), in the order named in the URL.
    pub fn link_with(&self, name: &'static str, value: &str) -> String {
        let mut kept = self.kept.clone();
        match kept.iter_mut().find(|(n, _)| *n == name) {
            Some(param) => param.1 = value.to_string(),
            None => kept.insert(0, (name, value.to_string())),
        }
        let mut href = address(self.path, &kept);
        if !self.chosen.is_empty() {
            href.push_str(&format!("&{}={}", self.names.sort, self.chosen));
        }
        href
    }

    /// The heading of column `label`, if it orders the list.
    pub fn heading(&self, label: &str) -> Option<&SortHeading> {
        self.headings.iter().find(|h| h.label == label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERS: Orders<u8> = Orders(&[
        (
            0,
            Order {
                slug: "newest",
                label: "Mới nhất trước",
                column: "Ngày",
                descending: true,
            },
        ),
        (
            1,
            Order {
                slug: "oldest",
                label: "Cũ nhất trước",
                column: "Ngày",
                descending: false,
            },
        ),
        (
            2,
            Order {
                slug: "due",
                label: "Hạn gần nhất trước",
                column: "Hạn",
                descending: false,
            },
        ),
    ]);

    #[test]
    fn a_heading_links_to_its_order_and_pressed_again_to_the_other_direction() {
        let sorted = ORDERS.sorted(0, None, "/list", vec![("view", "all".into()), ("q", String::new())]);
        let date = sorted.heading("Ngày").expect("date heading");
        assert_eq!(
            (date.href.as_str(), date.aria_sort),
            ("/list?view=all&sort=oldest", "descending")
        );
        let due = sorted.heading("Hạn").expect("due heading");
        assert_eq!((due.href.as_str(), due.aria_sort), ("/list?view=all&sort=due", ""));
        assert_eq!(sorted.page_link("t1"), "/list?view=all&page=t1");
        assert_eq!(sorted.link_with("view", "open"), "/list?view=open");
        assert_eq!(sorted.chosen, "");
        assert!(sorted.heading("Nội dung").is_none());

        let sorted = ORDERS.sorted(1, Some(1), "/list", vec![("q", "đất đai".into())]);
        let date = sorted.heading("Ngày").expect("date heading");
        assert_eq!(
            (date.href.as_str(), date.aria_sort),
            ("/list?q=%C4%91%E1%BA%A5t+%C4%91ai&sort=newest", "ascending")
        );
        assert_eq!(sorted.page_link(""), "/list?q=%C4%91%E1%BA%A5t+%C4%91ai&sort=oldest");
        assert_eq!(sorted.chosen, "oldest");
        assert_eq!(sorted.choices[1], ("oldest", "Cũ nhất trước", true));
        assert_eq!(ORDERS.named("due"), Some(2));
        assert_eq!(ORDERS.named("x"), None);
    }
}
