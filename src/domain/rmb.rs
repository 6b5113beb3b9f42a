//! Money display: yuan with two decimals and Chinese capital numerals (人民币大写).
//!
//! SPEC "Award cycle": money is integer fen everywhere; it is shown as yuan with two decimals
//! and, on payout sheets, also in capital numerals. The capital form follows 《会计基础工作规范》
//! 第五十二条 and 《支付结算办法》附一:
//! - `整` follows `元` or `角` when there are no `分`, never after `分`;
//! - a run of zeros between two non-zero digits is written as one `零`, including the run
//!   that spans `元` and `角`/`分` (壹元零伍分, 壹拾元零叁角整);
//! - trailing zeros of the integer part are not written (壹拾万元整);
//! - amounts below one yuan have no `元` part (叁角整, 伍分);
//! - units nest the usual way: 万 inside 亿, 亿 after 亿 (壹万亿, 壹亿亿).
//!
//! Where the regulation allows either form (a zero at 万位 or 元位 before a non-zero digit may be
//! written as `零` or left out), this module always writes `零`: one rule, fewer special cases,
//! and it is the form the regulation lists first for 元位.

const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
const SMALL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];

/// Chinese capital-numeral amount (人民币大写) of `fen`, e.g. `1_250_000` → `壹万贰仟伍佰元整`.
///
/// Negative amounts get the prefix `负`. Every `i64` is supported (up to 亿亿).
pub fn rmb_capital(fen: i64) -> String {
    let abs = fen.unsigned_abs();
    if abs == 0 {
        return "零元整".to_owned();
    }
    let yuan = abs / 100;
    let jiao = (abs / 10 % 10) as usize;
    let fen_digit = (abs % 10) as usize;

    let mut out = String::new();
    if fen < 0 {
        out.push('负');
    }
    // `emitted`: a non-zero digit has been written; `pending_zero`: zeros were skipped since.
    let mut emitted = false;
    let mut pending_zero = false;
    let mut push_digit = |out: &mut String, digit: usize, unit: &str| {
        if digit == 0 {
            pending_zero |= emitted;
            return;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        out.push_str(DIGITS[digit]);
        out.push_str(unit);
        emitted = true;
    };

    if yuan > 0 {
        let digits = decimal_digits(yuan);
        for p in (0..digits.len()).rev() {
            push_digit(&mut out, digits[p], SMALL_UNITS[p % 4]);
            if p > 0 && p % 8 == 4 && digits[p..(p + 4).min(digits.len())].iter().any(|&d| d != 0) {
                // 万 of this 亿 block: written when its four digits are not all zero.
                out.push('万');
            } else if p > 0 && p % 8 == 0 {
                // 亿 closes everything above it: `n = a × 10^8 + b` reads `a` 亿 `b`, so it is
                // written whenever `a` is non-zero (1e16 → 壹亿亿, 1e12 → 壹万亿).
                out.push('亿');
            }
        }
        out.push('元');
    }
    push_digit(&mut out, jiao, "角");
    push_digit(&mut out, fen_digit, "分");
    if fen_digit == 0 {
        out.push('整');
    }
    out
}

/// Yuan with thousand separators and two decimals: `1_234_567` → `12,345.67`, `-5` → `-0.05`.
pub fn format_yuan(fen: i64) -> String {
    let abs = fen.unsigned_abs();
    let yuan = (abs / 100).to_string();
    let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3 + 4);
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// Decimal digits of `n`, least significant first (`n > 0` gives no leading zeros).
fn decimal_digits(mut n: u64) -> Vec<usize> {
    let mut digits = Vec::with_capacity(20);
    while n > 0 {
        digits.push((n % 10) as usize);
        n /= 10;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Money display (SPEC "Award cycle"): known capital-numeral amounts.
    #[test]
    fn known_amounts_are_written_in_capital_numerals() {
        let cases: &[(i64, &str)] = &[
            (0, "零元整"),
            (5, "伍分"),
            (30, "叁角整"),
            (35, "叁角伍分"),
            (100, "壹元整"),
            (105, "壹元零伍分"),
            (130, "壹元叁角整"),
            (1_000, "壹拾元整"),
            (1_030, "壹拾元零叁角整"),
            (1_005, "壹拾元零伍分"),
            (1_100, "壹拾壹元整"),
            (10_000, "壹佰元整"),
            (10_100, "壹佰零壹元整"),
            (168_032, "壹仟陆佰捌拾元零叁角贰分"),
            (1_000_100, "壹万零壹元整"),
            (1_005_005, "壹万零伍拾元零伍分"),
            (1_010_000, "壹万零壹佰元整"),
            (1_250_000, "壹万贰仟伍佰元整"),
            (2_000_000, "贰万元整"),
            (10_000_000, "壹拾万元整"),
            (10_700_053, "壹拾万零柒仟元零伍角叁分"),
            (12_050_000, "壹拾贰万零伍佰元整"),
            (11_000_000, "壹拾壹万元整"),
            (100_000_000, "壹佰万元整"),
            (1_000_000_000, "壹仟万元整"),
            (1_001_000_000, "壹仟零壹万元整"),
            (10_000_000_000, "壹亿元整"),
            (10_001_000_000, "壹亿零壹万元整"),
            (11_000_000_000, "壹亿壹仟万元整"),
            (10_000_000_100, "壹亿零壹元整"),
            (100_000_010_000, "壹拾亿零壹佰元整"),
            (100_000_000_000_000, "壹万亿元整"),
            (100_010_000_000_000, "壹万零壹亿元整"),
            (1_000_000_000_000_000, "壹拾万亿元整"),
            (
                123_456_789_012_345,
                "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分",
            ),
            (
                999_999_999_999_999,
                "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
            ),
            (1_000_000_000_000_000_000, "壹亿亿元整"),
            (1_000_000_000_000_000_100, "壹亿亿零壹元整"),
            (-12_345, "负壹佰贰拾叁元肆角伍分"),
            (-30, "负叁角整"),
        ];
        for &(fen, expected) in cases {
            assert_eq!(rmb_capital(fen), expected, "fen = {fen}");
        }
    }

    /// Money display: 整 follows 元 or 角 when there are no 分, never after 分.
    #[test]
    fn zheng_ends_yuan_or_jiao_but_never_fen() {
        assert!(rmb_capital(100).ends_with("元整"));
        assert!(rmb_capital(130).ends_with("角整"));
        assert!(!rmb_capital(135).contains('整'));
        assert!(!rmb_capital(5).contains('整'));
    }

    /// Money display: a run of zeros inside the integer part is one 零.
    #[test]
    fn zero_run_inside_the_integer_part_is_one_ling() {
        assert_eq!(rmb_capital(100_100), "壹仟零壹元整");
        assert_eq!(rmb_capital(1_000_000_100), "壹仟万零壹元整");
        assert!(!rmb_capital(1_000_000_100).contains("零零"));
    }

    /// Money display: trailing zeros of the integer part give no 零.
    #[test]
    fn trailing_zeros_of_the_integer_part_give_no_ling() {
        assert_eq!(rmb_capital(10_000_000), "壹拾万元整");
        assert_eq!(rmb_capital(12_000_000_000), "壹亿贰仟万元整");
    }

    /// Money display: 角 of zero between 元 and a non-zero 分 gives 零.
    #[test]
    fn zero_jiao_before_fen_gives_ling() {
        assert_eq!(rmb_capital(105), "壹元零伍分");
        assert_eq!(rmb_capital(1_005_005), "壹万零伍拾元零伍分");
    }

    /// Money display: amounts below one yuan have no 元 part and no leading 零.
    #[test]
    fn amounts_below_one_yuan_have_no_yuan_part() {
        assert_eq!(rmb_capital(30), "叁角整");
        assert_eq!(rmb_capital(5), "伍分");
        assert_eq!(rmb_capital(35), "叁角伍分");
        assert_eq!(rmb_capital(-5), "负伍分");
    }

    /// Money display: the largest i64 amounts are written without panicking.
    #[test]
    fn extreme_amounts_are_written() {
        assert!(rmb_capital(i64::MAX).starts_with("玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿"));
        assert!(rmb_capital(i64::MIN).starts_with("负玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿"));
        assert_eq!(
            rmb_capital(999_999_999_999_999),
            rmb_capital(-999_999_999_999_999).trim_start_matches('负')
        );
    }

    /// Money display: yuan with thousand separators and two decimals.
    #[test]
    fn yuan_are_formatted_with_separators_and_two_decimals() {
        let cases: &[(i64, &str)] = &[
            (0, "0.00"),
            (5, "0.05"),
            (-5, "-0.05"),
            (100, "1.00"),
            (99_999, "999.99"),
            (100_000, "1,000.00"),
            (1_234_567, "12,345.67"),
            (123_456_789, "1,234,567.89"),
            (-123_456_789, "-1,234,567.89"),
            (i64::MIN, "-92,233,720,368,547,758.08"),
        ];
        for &(fen, expected) in cases {
            assert_eq!(format_yuan(fen), expected, "fen = {fen}");
        }
    }

    /// Reads a capital-numeral amount back into fen (test oracle for the round trip).
    fn parse_capital(s: &str) -> i64 {
        let (negative, s) = match s.strip_prefix('负') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (mut total, mut section, mut number, mut fen) = (0_i64, 0_i64, 0_i64, 0_i64);
        for c in s.chars() {
            match c {
                '零' | '整' => {}
                '拾' => (section, number) = (section + number * 10, 0),
                '佰' => (section, number) = (section + number * 100, 0),
                '仟' => (section, number) = (section + number * 1_000, 0),
                '万' => (section, number) = ((section + number) * 10_000, 0),
                '亿' => (total, section, number) = ((total + section + number) * 100_000_000, 0, 0),
                '元' => (total, section, number) = (total + section + number, 0, 0),
                '角' => (fen, number) = (fen + number * 10, 0),
                '分' => (fen, number) = (fen + number, 0),
                d => number = DIGITS.iter().position(|x| x.starts_with(d)).unwrap() as i64,
            }
        }
        let value = total * 100 + fen;
        if negative { -value } else { value }
    }

    proptest::proptest! {
        /// Money display: every amount reads back to itself, with at most one 零 in a row
        /// and 整 exactly when there are no 分.
        #[test]
        fn capital_numerals_read_back_to_the_same_amount(
            // Mostly zeros, so that zero runs across 元, 万 and 亿 are exercised.
            digits in proptest::collection::vec(
                proptest::prop_oneof![3 => proptest::strategy::Just(0_i64), 1 => 1_i64..10],
                1..18,
            ),
            negative: bool,
        ) {
            let magnitude = digits.iter().fold(0_i64, |acc, d| acc * 10 + d);
            let fen = if negative { -magnitude } else { magnitude };
            let text = rmb_capital(fen);
            proptest::prop_assert_eq!(parse_capital(&text), fen, "{}", text);
            proptest::prop_assert!(!text.contains("零零"));
            proptest::prop_assert_eq!(text.ends_with('整'), fen % 10 == 0);
            proptest::prop_assert!(fen == 0 || !text.trim_start_matches('负').starts_with('零'));
        }
    }
}
