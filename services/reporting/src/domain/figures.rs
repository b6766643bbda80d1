//! The figure table of a report and the roll-up along the office tree.
//!
//! A parent's table has a row for the office alone, a row for each child
//! office together with everything below it, and a total; the offices are
//! those of the tree on the period's last day, so a period before a
//! re-parenting follows the old tree. Every column of the total is exactly
//! the sum of the rows (checked arithmetic). Finance amounts that flow
//! between offices of the table — allocations handed down, dues sent up —
//! come as subtree figures from the finance service; the office's own row
//! is its subtree's figure less its children's, so the total is the
//! subtree's figure and nothing is counted twice.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use vanphong_platform::text::fold;
use vanphong_platform::tree::OfficeTree;

/// Values of one office or group of offices, by column code.
pub type Values = BTreeMap<String, i64>;

/// A column of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub code: String,
    pub label: String,
    pub group: String,
    pub money: bool,
}

/// Which part of the roll-up a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    Own,
    Child,
    Total,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub office_id: Uuid,
    pub office_name: String,
    pub part: Part,
    pub values: Values,
}

impl Row {
    pub fn value(&self, code: &str) -> i64 {
        self.values.get(code).copied().unwrap_or_default()
    }

    /// Budget executed: spent since 1 January over allocated, e.g. "45,67%";
    /// empty when nothing was allocated.
    pub fn executed_percent(&self) -> String {
        let allocated = i128::from(self.value(ALLOCATED));
        if allocated <= 0 {
            return String::new();
        }
        let basis_points = i128::from(self.value(SPENT_YEAR_TO_DATE)) * 10_000 / allocated;
        let sign = if basis_points < 0 { "-" } else { "" };
        let bp = basis_points.abs();
        format!("{sign}{},{:02}%", bp / 100, bp % 100)
    }
}

/// A report's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureTable {
    pub office_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub columns: Vec<Column>,
    /// The office first, then its children by name.
    pub rows: Vec<Row>,
    pub total: Row,
    pub gathered_at: DateTime<Utc>,
}

/// Groups of columns, with their headings.
pub const GROUPS: [(&str, &str); 3] = [
    ("documents", "Văn bản"),
    ("petitions", "Tiếp công dân, xử lý đơn thư"),
    ("finance", "Tài chính Đảng"),
];

/// A group's heading, for people.
pub fn group_label(group: &str) -> &'static str {
    GROUPS.iter().find(|(g, _)| *g == group).map_or("", |(_, l)| *l)
}

/// Outgoing documents numbered in the period, all types.
pub const DOCUMENTS_ISSUED: &str = "documents.issued";
/// Prefix of the per-type columns of issued documents.
pub const ISSUED_BY_TYPE: &str = "documents.issued.";
/// What executed percentages are computed from.
pub const ALLOCATED: &str = "finance.allocated";
pub const SPENT_YEAR_TO_DATE: &str = "finance.spent_year_to_date";

const DOCUMENT_COLUMNS: [(&str, &str); 6] = [
    ("documents.received", "Văn bản đến đã vào sổ"),
    ("documents.issued", "Văn bản đi đã cấp số"),
    ("documents.handled_on_time", "Văn bản đến giải quyết đúng hạn"),
    ("documents.handled_late", "Văn bản đến giải quyết quá hạn"),
    ("documents.pending", "Văn bản đến đang giải quyết cuối kỳ"),
    ("documents.overdue", "Trong đó: quá hạn"),
];

/// The petition statistics (docs/domain.md §3), in the order of the report form.
pub const PETITION_COLUMNS: [(&str, &str); 24] = [
    (
        "petitions.carried_over_single",
        "Đơn kỳ trước chuyển sang: một người đứng tên",
    ),
    (
        "petitions.carried_over_multi",
        "Đơn kỳ trước chuyển sang: nhiều người đứng tên",
    ),
    (
        "petitions.received_single",
        "Đơn tiếp nhận trong kỳ: một người đứng tên",
    ),
    (
        "petitions.received_multi",
        "Đơn tiếp nhận trong kỳ: nhiều người đứng tên",
    ),
    ("petitions.repeats_received", "Đơn gửi nhiều lần"),
    ("petitions.eligible", "Đơn đủ điều kiện xử lý"),
    ("petitions.authority_administrative", "Thẩm quyền: hành chính"),
    ("petitions.authority_judicial", "Thẩm quyền: tư pháp"),
    ("petitions.authority_party", "Thẩm quyền: Đảng"),
    ("petitions.authority_unspecified", "Thẩm quyền: chưa xác định"),
    ("petitions.stage_not_yet_resolved", "Chưa được giải quyết"),
    ("petitions.stage_first_time", "Đã giải quyết lần đầu"),
    ("petitions.stage_repeated", "Đã giải quyết nhiều lần"),
    ("petitions.outcome_guided", "Hướng dẫn"),
    ("petitions.outcome_transferred", "Chuyển đơn"),
    ("petitions.outcome_urged", "Đôn đốc"),
    ("petitions.outcome_filed", "Lưu đơn"),
    ("petitions.outcome_accepted", "Thụ lý giải quyết"),
    ("petitions.resolved", "Đã có kết quả giải quyết"),
    ("petitions.withdrawn", "Rút đơn, đình chỉ"),
    ("petitions.overdue_at_end", "Quá hạn cuối kỳ"),
    ("petitions.reception_days_held", "Ngày lãnh đạo tiếp công dân"),
    ("petitions.reception_sessions", "Lượt tiếp công dân"),
    ("petitions.reception_visitors", "Người được tiếp"),
];

/// Finance amounts (đồng).
pub const FINANCE_COLUMNS: [(&str, &str); 5] = [
    ("finance.allocated", "Dự toán được giao (đồng)"),
    ("finance.spent", "Chi trong kỳ (đồng)"),
    ("finance.spent_year_to_date", "Chi lũy kế từ đầu năm (đồng)"),
    ("finance.dues_collected", "Đảng phí thu trong kỳ (đồng)"),
    ("finance.dues_remitted", "Đảng phí nộp cấp trên (đồng)"),
];

/// Figures of one office, as a source service reported them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeValues {
    pub office_id: Uuid,
    pub values: Values,
}

/// What the three services answered for a report of `office`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gathered {
    /// Each office of the subtree.
    pub documents: Vec<OfficeValues>,
    /// Names of document types by code.
    pub document_types: BTreeMap<String, String>,
    /// Each office of the subtree.
    pub petitions: Vec<OfficeValues>,
    /// The whole subtree.
    pub finance_subtree: Values,
    /// Each child with everything below it.
    pub finance_children: Vec<OfficeValues>,
}

/// Why figures could not be rolled up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollUpError {
    /// A source counted an office that is not in the subtree as this
    /// service sees it: the copies of the tree differ for a moment.
    #[error("office {0} is not below the report's office")]
    OutsideTree(Uuid),
    /// A sum does not fit in 64 bits.
    #[error("figure {0} overflows")]
    Overflow(String),
}

/// The columns of a table: the fixed ones, with a column per issued
/// document type after "documents.issued".
pub fn columns(document_types: &BTreeMap<String, String>) -> Vec<Column> {
    let mut out = Vec::new();
    let column = |code: &str, label: &str, group: &str, money: bool| Column {
        code: code.to_string(),
        label: label.to_string(),
        group: group.to_string(),
        money,
    };
    for (code, label) in DOCUMENT_COLUMNS {
        out.push(column(code, label, "documents", false));
        if code == DOCUMENTS_ISSUED {
            for (type_code, name) in document_types {
                let name = if name.is_empty() { type_code } else { name };
                out.push(column(
                    &format!("{ISSUED_BY_TYPE}{type_code}"),
                    &format!("Trong đó: {name}"),
                    "documents",
                    false,
                ));
            }
        }
    }
    for (code, label) in PETITION_COLUMNS {
        out.push(column(code, label, "petitions", false));
    }
    for (code, label) in FINANCE_COLUMNS {
        out.push(column(code, label, "finance", true));
    }
    out
}

fn add_into(target: &mut Values, values: &Values) -> Result<(), RollUpError> {
    for (code, v) in values {
        let slot = target.entry(code.clone()).or_default();
        *slot = slot
            .checked_add(*v)
            .ok_or_else(|| RollUpError::Overflow(code.clone()))?;
    }
    Ok(())
}

/// An office's name in a table of `from..=to`; one that ended within the
/// period says until when it counts ("… (đến 04/03/2026)").
fn row_name(tree: &OfficeTree, id: Uuid, from: NaiveDate, to: NaiveDate) -> String {
    let Some(entry) = tree.get(id) else {
        return String::new();
    };
    match entry
        .dissolved_on
        .filter(|d| *d > from && *d <= to)
        .and_then(|d| d.pred_opt())
    {
        Some(last) => format!("{} (đến {})", entry.name, last.format("%d/%m/%Y")),
        None => entry.name.clone(),
    }
}

/// Rolls the gathered figures up for `office` along the tree on `to`; an
/// office that ended within the period keeps a row for its own days.
pub fn roll_up(
    office: Uuid,
    tree: &OfficeTree,
    from: NaiveDate,
    to: NaiveDate,
    gathered: Gathered,
    at: DateTime<Utc>,
) -> Result<FigureTable, RollUpError> {
    let name = |id: Uuid| row_name(tree, id, from, to);
    let mut children = tree.children_during(office, from, to);
    for merged in tree.merged_into_during(office, from, to) {
        if !children.contains(&merged) {
            children.push(merged);
        }
    }
    children.sort_by_key(|c| (fold(&name(*c)), *c));
    let columns = columns(&gathered.document_types);
    let zero: Values = columns.iter().map(|c| (c.code.clone(), 0)).collect();
    let mut own = zero.clone();
    let mut per_child: Vec<Values> = vec![zero.clone(); children.len()];
    // An office that ended before the period counts with the office that
    // holds its records (docs/domain.md §1, reorganisation).
    let group_of = |o: Uuid| -> Result<Option<usize>, RollUpError> {
        for counted in [o, tree.holder_on(o, to)] {
            if counted == office {
                return Ok(None);
            }
            if let Some(i) = children.iter().position(|c| tree.counts_under(*c, counted, from, to)) {
                return Ok(Some(i));
            }
        }
        Err(RollUpError::OutsideTree(o))
    };
    for source in [&gathered.documents, &gathered.petitions] {
        for entry in source {
            match group_of(entry.office_id)? {
                None => add_into(&mut own, &entry.values)?,
                Some(i) => add_into(&mut per_child[i], &entry.values)?,
            }
        }
    }
    // Finance: each child's subtree as answered; the office's own row is
    // the whole subtree less the children.
    let mut children_finance = Values::new();
    for entry in &gathered.finance_children {
        let i = group_of(entry.office_id)?.ok_or(RollUpError::OutsideTree(entry.office_id))?;
        add_into(&mut per_child[i], &entry.values)?;
        add_into(&mut children_finance, &entry.values)?;
    }
    for (code, whole) in &gathered.finance_subtree {
        let below = children_finance.get(code).copied().unwrap_or_default();
        let mine = whole
            .checked_sub(below)
            .ok_or_else(|| RollUpError::Overflow(code.clone()))?;
        add_into(&mut own, &Values::from([(code.clone(), mine)]))?;
    }
    let mut rows = vec![Row {
        office_id: office,
        office_name: name(office),
        part: Part::Own,
        values: own,
    }];
    for (child, values) in children.iter().zip(per_child) {
        rows.push(Row {
            office_id: *child,
            office_name: name(*child),
            part: Part::Child,
            values,
        });
    }
    let mut total = zero;
    for row in &rows {
        add_into(&mut total, &row.values)?;
    }
    Ok(FigureTable {
        office_id: office,
        from,
        to,
        columns,
        rows,
        total: Row {
            office_id: office,
            office_name: "Tổng cộng".into(),
            part: Part::Total,
            values: total,
        },
        gathered_at: at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::d;
    use vanphong_platform::tree::{Numbering, OfficeEntry, OfficeKind, ParentLink};

    fn entry(name: &str, links: Vec<(Option<Uuid>, &str, Option<&str>)>) -> OfficeEntry {
        OfficeEntry {
            id: Uuid::new_v4(),
            code: name.to_string(),
            name: name.to_string(),
            kind: OfficeKind::District,
            issuer_code: "HU".into(),
            numbering: Numbering::Party,
            established_on: d("2000-01-01"),
            dissolved_on: None,
            successor_id: None,
            split_into: Vec::new(),
            links: links
                .into_iter()
                .map(|(parent_id, from, to)| ParentLink {
                    parent_id,
                    from: d(from),
                    to: to.map(d),
                    reason: String::new(),
                })
                .collect(),
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    fn values(pairs: &[(&str, i64)]) -> Values {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    /// An office's figures, as a service answers them.
    fn at(office_id: Uuid, pairs: &[(&str, i64)]) -> OfficeValues {
        OfficeValues {
            office_id,
            values: values(pairs),
        }
    }

    #[test]
    fn each_period_follows_its_own_tree_and_totals_are_sums() {
        let root = entry("Tỉnh ủy", vec![(None, "2000-01-01", None)]);
        let a = entry("Huyện A", vec![(Some(root.id), "2000-01-01", None)]);
        let b = entry("Huyện B", vec![(Some(root.id), "2000-01-01", None)]);
        // The commune moves from A to B on 1 February.
        let c = entry(
            "Xã C",
            vec![
                (Some(a.id), "2000-01-01", Some("2026-02-01")),
                (Some(b.id), "2026-02-01", None),
            ],
        );
        let (r, a_id, b_id, c_id) = (root.id, a.id, b.id, c.id);
        let tree = OfficeTree::new([root, a, b, c]);
        let gathered = |_: ()| Gathered {
            documents: vec![
                at(r, &[("documents.received", 5)]),
                at(a_id, &[("documents.received", 3)]),
                at(b_id, &[("documents.received", 2)]),
                at(c_id, &[("documents.received", 7)]),
            ],
            finance_subtree: values(&[("finance.allocated", 1_000), ("finance.spent", 90)]),
            finance_children: vec![
                at(a_id, &[("finance.allocated", 300), ("finance.spent", 40)]),
                at(b_id, &[("finance.allocated", 200), ("finance.spent", 10)]),
            ],
            ..Default::default()
        };
        let now = DateTime::<Utc>::MIN_UTC;
        let jan = roll_up(r, &tree, d("2025-12-15"), d("2026-01-14"), gathered(()), now).expect("january");
        let feb = roll_up(r, &tree, d("2026-01-15"), d("2026-02-14"), gathered(()), now).expect("february");
        let received = |t: &FigureTable, id: Uuid| {
            t.rows
                .iter()
                .find(|row| row.office_id == id)
                .map(|row| row.value("documents.received"))
        };
        assert_eq!(received(&jan, a_id), Some(10), "the commune counts under A in January");
        assert_eq!(received(&feb, a_id), Some(3));
        assert_eq!(received(&feb, b_id), Some(9), "and under B in February");
        for t in [&jan, &feb] {
            assert_eq!(t.total.value("documents.received"), 17);
            for column in &t.columns {
                let sum: i64 = t.rows.iter().map(|row| row.value(&column.code)).sum();
                assert_eq!(t.total.value(&column.code), sum, "{}", column.code);
            }
        }
        // The province keeps 500 of the 1 000 it received; the total is the subtree's.
        assert_eq!(jan.rows[0].value("finance.allocated"), 500);
        assert_eq!(jan.total.value("finance.allocated"), 1_000);
        assert_eq!(jan.rows[0].value("finance.spent"), 40);
        assert_eq!(jan.rows[0].office_name, "Tỉnh ủy");
        assert_eq!(jan.rows[1].office_name, "Huyện A");
    }

    /// The root alone, rolled up over the first half of January 2026.
    fn lone_root_roll_up(r: Uuid, tree: OfficeTree, gathered: Gathered) -> Result<FigureTable, RollUpError> {
        roll_up(
            r,
            &tree,
            d("2026-01-01"),
            d("2026-01-14"),
            gathered,
            DateTime::<Utc>::MIN_UTC,
        )
    }

    #[test]
    fn an_office_outside_the_subtree_is_refused() {
        let root = entry("Tỉnh ủy", vec![(None, "2000-01-01", None)]);
        let r = root.id;
        let tree = OfficeTree::new([root]);
        let stranger = Uuid::new_v4();
        let gathered = Gathered {
            petitions: vec![OfficeValues {
                office_id: stranger,
                values: Values::new(),
            }],
            ..Default::default()
        };
        let e = lone_root_roll_up(r, tree, gathered);
        assert_eq!(e, Err(RollUpError::OutsideTree(stranger)));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let root = entry("Tỉnh ủy", vec![(None, "2000-01-01", None)]);
        let r = root.id;
        let tree = OfficeTree::new([root]);
        let big = values(&[("documents.received", i64::MAX)]);
        let gathered = Gathered {
            documents: vec![
                OfficeValues {
                    office_id: r,
                    values: big.clone(),
                },
                OfficeValues {
                    office_id: r,
                    values: big,
                },
            ],
            ..Default::default()
        };
        let e = lone_root_roll_up(r, tree, gathered);
        assert!(matches!(e, Err(RollUpError::Overflow(_))));
    }

    #[test]
    fn executed_percent_in_vietnamese_form() {
        let row = Row {
            office_id: Uuid::nil(),
            office_name: String::new(),
            part: Part::Own,
            values: values(&[(ALLOCATED, 3_000), (SPENT_YEAR_TO_DATE, 1_370)]),
        };
        assert_eq!(row.executed_percent(), "45,66%");
    }
}
