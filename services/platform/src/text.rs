//! Text folding for search and duplicate detection.
//!
//! Vietnamese users type with or without diacritics ("nghi quyet" must find
//! "Nghị quyết"), in any case and with stray spaces. [`fold`] maps text to a
//! key that ignores all three. It handles both precomposed (NFC) letters and
//! decomposed (NFD) input, where the marks are separate combining characters.

/// Lower-case, without diacritics, whitespace collapsed to single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_combining_mark(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        for lower in c.to_lowercase() {
            out.push(base_letter(lower));
        }
    }
    out
}

/// The words of the folded text, for matching regardless of word order.
pub fn folded_words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

fn base_letter(c: char) -> char {
    match c {
        'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ' | 'ẫ' | 'ậ' => {
            'a'
        }
        'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => 'e',
        'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' => 'i',
        'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ' | 'ở' | 'ỡ' | 'ợ' => {
            'o'
        }
        'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => 'u',
        'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' => 'y',
        'đ' => 'd',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_diacritics_case_and_spacing() {
        assert_eq!(fold("Nghị  quyết "), "nghi quyet");
        assert_eq!(fold("  ĐẢNG ỦY xã Hoàng Vân"), "dang uy xa hoang van");
        assert_eq!(fold("Trần Thị Bình"), fold("tran thi binh"));
    }

    #[test]
    fn decomposed_input_folds_like_precomposed() {
        // "Nghị" with the dot below as a combining mark (U+0323).
        assert_eq!(fold("Nghi\u{0323}"), "nghi");
    }

    #[test]
    fn words_for_order_insensitive_matching() {
        assert_eq!(
            folded_words("Khiếu nại, về đất đai!"),
            vec!["khieu", "nai", "ve", "dat", "dai"]
        );
    }
}
