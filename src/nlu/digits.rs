//! Numbers read out digit by digit, as speech recognition writes them:
//! `幺五洞 两拐幺八 勾勾六三`, `0769-22334455`, `四四洞三，嗯，洞四…`.
//! Groups may be separated by spaces, commas, dashes or filler words.

/// One run of digits found in an utterance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitRun {
    /// The run as written, separators included.
    pub raw: String,
    /// The digits, with the groups as they were spoken.
    pub groups: Vec<String>,
    /// Byte range of `raw` in the utterance.
    pub start: usize,
    pub end: usize,
}

impl DigitRun {
    /// All digits of the run (`X` for a spoken or written check letter).
    pub fn digits(&self) -> String {
        self.groups.concat()
    }
}

/// The digit a character stands for when numbers are read digit by digit.
/// `十` is not one: it only appears in numbers read as amounts.
pub fn spoken_digit(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => c,
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
        '洞' | '零' | '〇' | 'Ｏ' => '0',
        '幺' | '一' | '壹' => '1',
        '两' | '二' | '贰' => '2',
        '三' | '叁' => '3',
        '四' | '肆' => '4',
        '五' | '伍' => '5',
        '六' | '陆' => '6',
        '拐' | '七' | '柒' => '7',
        '八' | '捌' => '8',
        '勾' | '九' | '玖' => '9',
        _ => return None,
    })
}

/// The check letter of a 身份证 number, spoken or written.
fn check_letter(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ' | '叉')
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || ",，、-－—–~.。·/;；:：".contains(c)
}

/// Runs with at least `min_digits` digits. Shorter runs (一下, 两个) are
/// ordinary words, not numbers. `fillers` (`numbers.digit_fillers` in
/// `intents/entities.yaml`: 然后, 嗯) may stand between two groups of a run.
pub fn digit_runs(text: &str, min_digits: usize, fillers: &[String]) -> Vec<DigitRun> {
    let mut runs = Vec::new();
    let mut current: Option<DigitRun> = None;
    // Whether the current group is still open (no separator since the
    // last digit).
    let mut group_open = false;
    let mut index = 0;
    while index < text.len() {
        let rest = &text[index..];
        let Some(c) = rest.chars().next() else { break };
        let width = c.len_utf8();
        let digit = spoken_digit(c).or_else(|| {
            // A check letter only closes an 18-character 身份证 number.
            let count = current
                .as_ref()
                .map_or(0, |run| run.groups.iter().map(String::len).sum::<usize>());
            (check_letter(c) && count == 17).then_some('X')
        });
        if let Some(digit) = digit {
            let run = current.get_or_insert_with(|| DigitRun {
                raw: String::new(),
                groups: Vec::new(),
                start: index,
                end: index,
            });
            if !group_open || run.groups.is_empty() {
                run.groups.push(String::new());
            }
            run.groups.last_mut().expect("pushed above").push(digit);
            run.end = index + width;
            group_open = true;
            index += width;
            continue;
        }
        if current.is_some() {
            if is_separator(c) {
                group_open = false;
                index += width;
                continue;
            }
            if let Some(filler) = fillers
                .iter()
                .find(|filler| !filler.is_empty() && rest.starts_with(filler.as_str()))
            {
                group_open = false;
                index += filler.len();
                continue;
            }
        }
        finish(&mut current, text, min_digits, &mut runs);
        group_open = false;
        index += width;
    }
    finish(&mut current, text, min_digits, &mut runs);
    runs
}

fn finish(current: &mut Option<DigitRun>, text: &str, min_digits: usize, runs: &mut Vec<DigitRun>) {
    if let Some(mut run) = current.take() {
        run.raw = text[run.start..run.end].to_string();
        if run.digits().len() >= min_digits {
            runs.push(run);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<DigitRun> {
        let fillers = ["然后", "嗯"].map(String::from);
        digit_runs(text, 5, &fillers)
    }

    #[test]
    fn reads_spoken_groups() {
        let runs = read("四四洞三洞四 幺勾拐八幺两洞三 两洞幺两");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].digits(), "440304197812032012");
        let runs = read("手机幺五洞，嗯，两拐幺八 然后勾勾六三好的");
        assert_eq!(runs[0].digits(), "15027189963");
        assert_eq!(runs[0].groups, ["150", "2718", "9963"]);
    }

    #[test]
    fn leaves_ordinary_words_alone() {
        assert!(read("我想问一下两个事情").is_empty());
    }

    #[test]
    fn takes_a_check_letter_only_at_the_end_of_an_id() {
        let runs = read("11010119900307663叉");
        assert_eq!(runs[0].digits(), "11010119900307663X");
        let runs = read("123456x");
        assert_eq!(runs[0].digits(), "123456");
    }
}
