//! What the head of an issued document prints about its issuer
//! (docs/domain.md §2.7): the body above the issuer, the issuer's own
//! line, and the place name (địa danh) of the place-and-date line, all
//! read from the directory's names of the office and its parent.
//!
//! Party committees are named "<level> <place>" ("Tỉnh ủy Bắc Giang",
//! "Huyện ủy Hiệp Hòa", "Đảng ủy xã Hoàng Vân"); a Party document prints
//! the Party organisation the committee leads ("Đảng bộ tỉnh Bắc Giang")
//! above the committee, and a state document prints the parent body above
//! the issuer. The place is the administrative unit the office is named
//! after; a name the rules do not recognise is printed whole.

/// Levels of Party committees and state bodies as they begin an office's
/// name, with the administrative level word of their Đảng bộ. Longest
/// first, so "Đảng ủy xã" wins over "Đảng ủy".
const LEVELS: [(&str, &str); 14] = [
    ("Ủy ban nhân dân tỉnh", "tỉnh"),
    ("Ủy ban nhân dân thành phố", "thành phố"),
    ("Ủy ban nhân dân huyện", "huyện"),
    ("Ủy ban nhân dân xã", "xã"),
    ("Ủy ban nhân dân phường", "phường"),
    ("Đảng ủy thị trấn", "thị trấn"),
    ("Đảng ủy phường", "phường"),
    ("Đảng ủy xã", "xã"),
    ("Thành ủy", "thành phố"),
    ("Tỉnh ủy", "tỉnh"),
    ("Huyện ủy", "huyện"),
    ("Quận ủy", "quận"),
    ("Thị ủy", "thị xã"),
    ("Đảng ủy", ""),
];

/// An office name split into its level and its place.
fn split(name: &str) -> Option<(&'static str, &'static str, &str)> {
    let name = name.trim();
    LEVELS.iter().find_map(|(level, unit)| {
        let rest = strip_level(name, level)?;
        let place = rest.trim();
        (!place.is_empty()).then_some((*level, *unit, place))
    })
}

/// `text` after `level` when it begins with it, ignoring case and where
/// the tone mark sits ("Huyện uỷ" is "Huyện ủy").
fn strip_level<'a>(text: &'a str, level: &str) -> Option<&'a str> {
    let n = level.chars().count();
    let end = text.char_indices().nth(n).map_or(text.len(), |(at, _)| at);
    let head = &text[..end];
    (head.chars().count() == n && bare(head) == bare(level)).then(|| &text[end..])
}

/// Lower-case letters without their marks, for comparing names typed with
/// the old or the new placement of tone marks.
fn bare(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// The place name printed before the date: "Bắc Giang" for "Tỉnh ủy Bắc
/// Giang"; the whole name when it follows no known pattern.
pub fn place_of(office_name: &str) -> String {
    split(office_name).map_or_else(|| office_name.trim().to_string(), |(_, _, place)| place.to_string())
}

/// The Party organisation a committee leads: "Đảng bộ tỉnh Bắc Giang" for
/// "Tỉnh ủy Bắc Giang"; `None` when the name follows no known pattern.
pub fn party_organisation_of(committee_name: &str) -> Option<String> {
    let (_, unit, place) = split(committee_name)?;
    Some(if unit.is_empty() {
        format!("Đảng bộ {place}")
    } else {
        format!("Đảng bộ {unit} {place}")
    })
}

/// The two lines above the number: the superior and the issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    pub superior: String,
    pub issuer: String,
    pub place: String,
}

/// The letterhead of a Party committee's document (HD 36): its own Đảng
/// bộ above it, the committee by its level alone at the top of the tree
/// ("Tỉnh ủy"), by its full name below.
pub fn party(office_name: &str, parent_name: Option<&str>) -> Letterhead {
    let superior = match parent_name {
        None => party_organisation_of(office_name),
        Some(parent) => party_organisation_of(parent),
    }
    .unwrap_or_default();
    let issuer = match (parent_name, split(office_name)) {
        (None, Some((level, _, _))) => level.to_string(),
        _ => office_name.trim().to_string(),
    };
    Letterhead {
        superior,
        issuer,
        place: place_of(office_name),
    }
}

/// The letterhead of a state body's document (NĐ 30): the parent body
/// above the issuer, when there is one.
pub fn state(office_name: &str, parent_name: Option<&str>) -> Letterhead {
    Letterhead {
        superior: parent_name.unwrap_or_default().trim().to_string(),
        issuer: office_name.trim().to_string(),
        place: place_of(office_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_is_the_unit_the_office_is_named_after() {
        assert_eq!(place_of("Tỉnh ủy Bắc Giang"), "Bắc Giang");
        assert_eq!(place_of("Huyện ủy Hiệp Hòa"), "Hiệp Hòa");
        assert_eq!(place_of("Đảng ủy xã Hoàng Vân"), "Hoàng Vân");
        assert_eq!(place_of("Ủy ban nhân dân tỉnh Bắc Ninh"), "Bắc Ninh");
        assert_eq!(place_of("Văn phòng Trung ương Đảng"), "Văn phòng Trung ương Đảng");
        assert_eq!(place_of("Huyện uỷ Việt Yên"), "Việt Yên");
        assert_eq!(place_of("huyện ủy Lục Nam"), "Lục Nam");
    }

    #[test]
    fn a_party_committee_prints_the_organisation_it_leads_above_itself() {
        let top = party("Tỉnh ủy Bắc Giang", None);
        assert_eq!(top.superior, "Đảng bộ tỉnh Bắc Giang");
        assert_eq!(top.issuer, "Tỉnh ủy");
        let district = party("Huyện ủy Hiệp Hòa", Some("Tỉnh ủy Bắc Giang"));
        assert_eq!(district.superior, "Đảng bộ tỉnh Bắc Giang");
        assert_eq!(district.issuer, "Huyện ủy Hiệp Hòa");
        let commune = party("Đảng ủy xã Hoàng Vân", Some("Huyện ủy Hiệp Hòa"));
        assert_eq!(commune.superior, "Đảng bộ huyện Hiệp Hòa");
        assert_eq!(commune.place, "Hoàng Vân");
    }

    #[test]
    fn a_state_body_prints_its_parent_above_itself() {
        let head = state("Sở Nội vụ", Some("Ủy ban nhân dân tỉnh Bắc Giang"));
        assert_eq!(head.superior, "Ủy ban nhân dân tỉnh Bắc Giang");
        assert_eq!(head.issuer, "Sở Nội vụ");
        assert_eq!(state("Ủy ban nhân dân tỉnh Bắc Giang", None).superior, "");
    }
}
