//! Duplicate petitions (đơn trùng, docs/domain.md §3): the same petitioner(s)
//! sending the same content again. Matching ignores Vietnamese diacritics,
//! case, spacing and word order: names and content are compared as sets of
//! folded words.
//!
//! A candidate needs at least one petitioner in common and content at least
//! [`MIN_CONTENT_SCORE`] alike; candidates are ranked by the mean of the two
//! scores.

use std::collections::BTreeSet;

use vanphong_platform::text::folded_words;

/// Content less alike than this is not proposed.
pub const MIN_CONTENT_SCORE: f64 = 0.5;

/// At most this many candidates are proposed.
pub const MAX_CANDIDATES: usize = 10;

/// What identifies a person for matching: the words of the name, and the ID
/// number's digits and letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonKey {
    pub name: BTreeSet<String>,
    pub id_number: Option<String>,
}

impl PersonKey {
    /// The key of a person from their name and ID number as typed.
    pub fn new(full_name: &str, id_number: &str) -> Self {
        let id: String = id_number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        PersonKey {
            name: folded_words(full_name).into_iter().collect(),
            id_number: (!id.is_empty()).then_some(id),
        }
    }

    /// The name as stored for lookups: folded words in sorted order, so the
    /// order of the words does not matter.
    pub fn folded_name(&self) -> String {
        self.name.iter().cloned().collect::<Vec<_>>().join(" ")
    }

    /// Same person: same ID number when both have one, else the same name.
    pub fn same_as(&self, other: &PersonKey) -> bool {
        match (&self.id_number, &other.id_number) {
            (Some(a), Some(b)) => a == b,
            _ => !self.name.is_empty() && self.name == other.name,
        }
    }
}

/// The share of petitioners the two petitions have in common: each person
/// of the smaller list matched at most once, over the larger list's size.
pub fn petitioner_score(a: &[PersonKey], b: &[PersonKey]) -> f64 {
    let larger = a.len().max(b.len());
    if larger == 0 {
        return 0.0;
    }
    let mut used = vec![false; b.len()];
    let mut matched = 0usize;
    for person in a {
        if let Some(i) = b
            .iter()
            .enumerate()
            .position(|(i, other)| !used[i] && person.same_as(other))
        {
            used[i] = true;
            matched += 1;
        }
    }
    matched as f64 / larger as f64
}

/// The words of a content, for comparison.
pub fn content_words(text: &str) -> BTreeSet<String> {
    folded_words(text).into_iter().collect()
}

/// How alike two contents are: the Dice coefficient of their word sets
/// (1 for the same words in any order, 0 for no word in common).
pub fn content_score(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    let common = a.intersection(b).count();
    (2 * common) as f64 / total as f64
}

/// The scores of one earlier petition against a new one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub petitioners: f64,
    pub content: f64,
    pub overall: f64,
}

/// The scores, or `None` when the earlier petition is not a candidate.
pub fn score(
    new_people: &[PersonKey],
    new_words: &BTreeSet<String>,
    old_people: &[PersonKey],
    old_words: &BTreeSet<String>,
) -> Option<Scores> {
    let petitioners = petitioner_score(new_people, old_people);
    let content = content_score(new_words, old_words);
    (petitioners > 0.0 && content >= MIN_CONTENT_SCORE).then_some(Scores {
        petitioners,
        content,
        overall: (petitioners + content) / 2.0,
    })
}

/// Rounds a score to three decimals for answers.
pub fn rounded(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_in_another_order_without_diacritics() {
        let a = content_words("Khiếu nại việc thu hồi đất không bồi thường tại thôn Đông Lỗ");
        let b = content_words("thu hoi dat tai thon dong lo khong boi thuong - KHIEU NAI viec");
        assert_eq!(content_score(&a, &b), 1.0);
        let other = content_words("Tố cáo cán bộ địa chính nhận tiền của dân");
        assert!(content_score(&a, &other) < MIN_CONTENT_SCORE);
    }

    #[test]
    fn people_match_by_id_number_or_by_name() {
        let an = PersonKey::new("Nguyễn Văn An", "001 085 012345");
        assert!(an.same_as(&PersonKey::new("nguyen  van AN", "")));
        assert!(an.same_as(&PersonKey::new("Văn An Nguyễn", "")), "word order");
        assert!(
            an.same_as(&PersonKey::new("Nguyễn V. An", "001085012345")),
            "same ID number"
        );
        assert!(
            !an.same_as(&PersonKey::new("Nguyễn Văn An", "001085099999")),
            "namesakes with different ID numbers"
        );
        assert_eq!(an.folded_name(), "an nguyen van");
        assert!(!PersonKey::new("", "").same_as(&PersonKey::new("", "")));
    }

    #[test]
    fn candidates_need_a_common_petitioner_and_similar_content() {
        let people = vec![PersonKey::new("Trần Thị Bình", ""), PersonKey::new("Lê Văn Cường", "")];
        let one = vec![PersonKey::new("tran thi binh", "")];
        let stranger = vec![PersonKey::new("Phạm Văn Dũng", "")];
        let words = content_words("đề nghị giải quyết tranh chấp ranh giới đất ở xóm Mới");
        let close = content_words("de nghi giai quyet tranh chap ranh gioi dat o xom Moi lan hai");
        let s = score(&one, &close, &people, &words).expect("candidate");
        assert_eq!(s.petitioners, 0.5);
        assert!(s.content > 0.8 && s.content < 1.0, "{s:?}");
        assert!((s.overall - (s.petitioners + s.content) / 2.0).abs() < 1e-9);
        assert!(score(&stranger, &words, &people, &words).is_none(), "nobody in common");
        let unrelated = content_words("phản ánh đường giao thông xuống cấp");
        assert!(score(&one, &unrelated, &people, &words).is_none());
        assert_eq!(rounded(0.123_456), 0.123);
    }
}
