//! A simulated caller: holds a true case and gives its facts in random
//! order and wording, answering what the dialogue asks (the session's
//! pending slot), with fillers, spoken digits, questions between answers,
//! a place named inside a question, a bare 有 to the materials question and
//! a question after the registration is done. It may act for a relative,
//! slip on a number or a name, and put a slip right at once or only when
//! it hears the read-back. Every read-back is checked against what the
//! caller holds, and a wrong fact is corrected in everyday words.

use hotline::Assistant;
use hotline::dialogue::confirm::Proposal;
use hotline::dialogue::{DialogueState, Session, SessionChannel, Turn};
use hotline::rules::{Application, Channel, Insurance};
use rand::Rng;
use rand::rngs::StdRng;

use super::bank::{Bank, fill, pick, short, spoken_digits};
use super::read_back::ReadBack;
use super::truth::{Truth, id_number, mobile};

/// Caller turns after which a call that has not ended is stuck.
pub const MAX_TURNS: usize = 40;

/// Read-backs put right before the caller asks for a person instead.
const MAX_READ_BACK_CORRECTIONS: u32 = 3;

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The dialogue said it is done (registered or settled otherwise).
    Done,
    /// The call went to a person.
    Handoff,
    /// Still going after [`MAX_TURNS`].
    Stuck,
}

pub struct Call {
    pub channel: SessionChannel,
    /// Each caller utterance with the reply it got.
    pub transcript: Vec<(String, Turn)>,
    /// Every registration the dialogue completed, in order.
    pub registrations: Vec<Application>,
    /// Caller turns up to and including the one that completed the first
    /// registration.
    pub turns_to_register: Option<usize>,
    pub end: End,
    pub read_backs: ReadBacks,
    /// The ID and phone numbers the caller gave, slips included.
    pub numbers_said: Vec<String>,
}

/// What the caller found in the read-backs of one call.
#[derive(Debug, Default, Clone)]
pub struct ReadBacks {
    /// Read-backs heard.
    pub heard: usize,
    /// Read-backs with a fact the caller never said: the dialogue heard
    /// it wrong. Each with the facts.
    pub wrong: Vec<String>,
    /// Read-backs that assumed a fact the caller had not said yet (通过电话
    /// 办理 before a fax caller said 传真), and were otherwise right.
    pub assumed: usize,
    /// Read-backs wrong only where the caller had slipped.
    pub slips_caught: usize,
    /// Corrections the caller said to a read-back.
    pub corrections: u32,
}

/// The facts a caller may volunteer before being asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fact {
    Situation,
    Destination,
    Insurance,
    Proxy,
    Name,
    Id,
    Phone,
    Channel,
    Materials,
}

struct Caller<'a> {
    bank: &'a Bank,
    truth: &'a Truth,
    read_back: ReadBack,
    /// What the caller has told the dialogue: the truth, but for a slip
    /// not yet put right.
    said_values: Application,
    said: Vec<Fact>,
    /// The fact the caller will get wrong the first time they say it.
    slip: Option<Fact>,
    /// The slip is put right in the very next turn (else at the read-back).
    slip_corrected_at_once: bool,
    /// A slip was said; the correction comes next turn.
    correction_due: Option<Fact>,
    questions_left: u32,
    place_question: bool,
    /// A bare 有 was said to the materials question.
    said_bare_have: bool,
    /// The ID and phone numbers said, slips included.
    numbers_said: Vec<String>,
    /// The fact last put right, said again if the dialogue asks which.
    correcting: Option<Fact>,
    /// The relative acted for was named already: he or she may be 他/她
    /// from then on.
    relative_named: bool,
    /// The last read-back heard, for a confirming turn that does not
    /// repeat it.
    last_read_back: Option<Vec<String>>,
    read_backs: ReadBacks,
}

pub fn play(rng: &mut StdRng, bank: &Bank, assistant: &Assistant, truth: &Truth) -> Call {
    let channel = if rng.random_bool(0.7) {
        SessionChannel::Phone
    } else {
        SessionChannel::Widget
    };
    let (mut session, _) =
        assistant.start_session(channel, Some(&truth.application.region), truth.today);
    let slip = match rng.random_range(0..20) {
        0..=2 => Some(Fact::Phone),
        3 => Some(Fact::Id),
        4 => Some(Fact::Name),
        _ => None,
    };
    let truth_applicant = truth.application.applicant.clone().unwrap_or_default();
    let mut caller = Caller {
        bank,
        truth,
        read_back: ReadBack::new(assistant, channel),
        said_values: truth.application.clone(),
        said: Vec::new(),
        slip,
        slip_corrected_at_once: rng.random_bool(0.5),
        correction_due: None,
        questions_left: rng.random_range(0..=2),
        place_question: rng.random_bool(0.3),
        said_bare_have: false,
        correcting: None,
        numbers_said: [
            truth_applicant.id_number.as_deref(),
            truth_applicant.phone.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect(),
        relative_named: false,
        last_read_back: None,
        read_backs: ReadBacks::default(),
    };
    let ask_after_done = rng.random_bool(0.6);
    let mut call = Call {
        channel,
        transcript: Vec::new(),
        registrations: Vec::new(),
        turns_to_register: None,
        end: End::Stuck,
        read_backs: ReadBacks::default(),
        numbers_said: Vec::new(),
    };
    let mut text = caller.opening(rng);
    let mut after_done_asked = false;
    for number in 1..=MAX_TURNS {
        let turn = assistant.turn(&mut session, &text);
        if let Some(completed) = &turn.completed {
            call.registrations.push(completed.application.clone());
            call.turns_to_register.get_or_insert(number);
        }
        let state = turn.state;
        let reply = turn.reply.clone();
        call.transcript.push((text, turn));
        match state {
            DialogueState::Handoff | DialogueState::AgentActive => {
                call.end = End::Handoff;
                break;
            }
            DialogueState::Done if ask_after_done && !after_done_asked => {
                after_done_asked = true;
                text = pick(rng, &bank.after_done).clone();
                continue;
            }
            DialogueState::Done => {
                let bye = pick(rng, &bank.goodbye).clone();
                let turn = assistant.turn(&mut session, &bye);
                if turn.completed.is_some() {
                    call.registrations
                        .push(turn.completed.clone().unwrap().application);
                }
                call.transcript.push((bye, turn));
                call.end = End::Done;
                break;
            }
            _ => {}
        }
        text = caller.next(rng, assistant, &session, &reply);
    }
    call.read_backs = caller.read_backs;
    call.numbers_said = caller.numbers_said;
    call
}

impl Caller<'_> {
    fn application(&self) -> &Application {
        &self.truth.application
    }

    /// Who travels, and how they are then called: 我 and 我, or the
    /// relative (我爸) and, once named, 他/她.
    fn who(&self) -> (String, String) {
        match &self.truth.relative {
            Some((relative, pronoun)) if self.relative_named => (relative.clone(), pronoun.clone()),
            Some((relative, _)) => (relative.clone(), relative.clone()),
            None => ("我".into(), "我".into()),
        }
    }

    fn opening(&mut self, rng: &mut StdRng) -> String {
        let greeting = pick(rng, &self.bank.openings).clone();
        let mut parts = Vec::new();
        match rng.random_range(0..4) {
            0 => parts.push(greeting),
            1 => {
                parts.push(greeting);
                parts.push(self.say(rng, Fact::Situation));
            }
            _ => {
                if self.truth.relative.is_some() && rng.random_bool(0.5) {
                    parts.push(self.say(rng, Fact::Proxy));
                }
                parts.push(self.say(rng, Fact::Situation));
            }
        }
        if self.application().submit_via == Some(Channel::Fax) && rng.random_bool(0.5) {
            parts.push(self.say(rng, Fact::Channel));
        }
        parts.join("，")
    }

    /// The caller's next utterance, given where the dialogue is and what
    /// it just said.
    fn next(
        &mut self,
        rng: &mut StdRng,
        assistant: &Assistant,
        session: &Session,
        reply: &str,
    ) -> String {
        if let Some(proposal) = &session.proposal {
            return self.answer_proposal(proposal);
        }
        if let Some(fact) = self.correction_due.take() {
            return self.correct(rng, fact, false);
        }
        // Asked which fact is wrong (哪一项不对？): the one being put right,
        // said whole.
        if session.state == DialogueState::Collecting
            && session.pending.is_none()
            && let Some(fact) = self.correcting.take()
        {
            return self.say(rng, fact);
        }
        if session.state == DialogueState::Collecting {
            if self.questions_left > 0 && rng.random_bool(0.25) {
                self.questions_left -= 1;
                let question = pick(rng, &self.bank.questions).clone();
                return self.with_filler(rng, question);
            }
            if self.place_question && rng.random_bool(0.3) {
                self.place_question = false;
                let what = self.other_place(rng);
                return fill(pick(rng, &self.bank.place_questions), &[("what", &what)]);
            }
        }
        if session.state == DialogueState::Confirming {
            return self.check_read_back(rng, assistant, reply);
        }
        let mut parts = Vec::new();
        let answer = session
            .pending
            .as_deref()
            .map(|slot| self.answer(rng, slot));
        match answer {
            Some(answer) => parts.push(answer),
            None => match self.unsaid(rng) {
                Some(fact) => parts.push(self.say(rng, fact)),
                None => parts.push("还需要什么吗".to_string()),
            },
        }
        if rng.random_bool(0.25)
            && let Some(fact) = self.unsaid(rng)
        {
            parts.push(self.say(rng, fact));
        }
        let text = parts.join("，");
        self.with_filler(rng, text)
    }

    /// Checks the read-back just heard (or the last one, when this reply
    /// did not repeat it) against the truth: yes when every fact is right,
    /// else the first wrong fact put right.
    fn check_read_back(&mut self, rng: &mut StdRng, assistant: &Assistant, reply: &str) -> String {
        let truth = self.read_back.facts_of(assistant, self.application());
        let heard = match self.read_back.facts(reply) {
            Some(heard) => {
                self.read_backs.heard += 1;
                // A fact about something the caller has not said yet (通过电话办理
                // before a fax caller said 传真) is the dialogue's assumption,
                // put right like any other but not a fact misheard.
                let said = self.read_back.facts_of(assistant, &self.said_values);
                let given = |fact: &&String| {
                    fact_of_slot(self.read_back.slot_of(fact))
                        .is_none_or(|fact| self.said.contains(&fact))
                };
                let never_said: Vec<&String> = heard
                    .iter()
                    .filter(|fact| !said.contains(fact))
                    .filter(given)
                    .collect();
                let untrue: Vec<&String> =
                    heard.iter().filter(|fact| !truth.contains(fact)).collect();
                if !never_said.is_empty() {
                    self.read_backs
                        .wrong
                        .push(format!("heard {never_said:?}, said {said:?}"));
                } else if untrue.iter().any(|fact| !given(fact)) {
                    self.read_backs.assumed += 1;
                } else if !untrue.is_empty() {
                    self.read_backs.slips_caught += 1;
                }
                self.last_read_back = Some(heard.clone());
                heard
            }
            None => self.last_read_back.clone().unwrap_or_default(),
        };
        let Some(wrong) = heard.iter().find(|fact| !truth.contains(fact)) else {
            return pick(rng, &self.bank.affirm).clone();
        };
        self.read_backs.corrections += 1;
        let slot = self.read_back.slot_of(wrong);
        // Documents read back that the caller does not hold are named
        // as not held: saying those held again would leave them there.
        let held: Vec<String> = truth
            .iter()
            .filter(|fact| self.read_back.slot_of(fact) == slot)
            .flat_map(|fact| self.read_back.values(fact))
            .collect();
        let extra: Vec<String> = self
            .read_back
            .values(wrong)
            .into_iter()
            .filter(|item| !held.contains(item))
            .collect();
        if slot == "materials" && !extra.is_empty() {
            let materials = self.material_names_said(rng);
            return fill(
                pick(rng, &self.bank.materials_corrections),
                &[("extra", &extra.join("、")), ("materials", &materials)],
            );
        }
        let fact = fact_of_slot(slot);
        match fact {
            Some(fact) if self.read_backs.corrections <= MAX_READ_BACK_CORRECTIONS => {
                self.correct(rng, fact, true)
            }
            _ => "还是不对，你给我转人工吧".to_string(),
        }
    }

    /// `fact` said again with its true value, as a correction (of the
    /// read-back when `read_back`).
    fn correct(&mut self, rng: &mut StdRng, fact: Fact, read_back: bool) -> String {
        self.put_right(fact);
        self.correcting = Some(fact);
        let bank = self.bank;
        // Only the last digits of a number read back, now and then (错了，
        // 身份证最后四位是…): the whole number follows when the dialogue asks
        // which fact.
        if read_back && fact == Fact::Id && rng.random_bool(0.3) {
            let id = self
                .said_values
                .applicant
                .as_ref()
                .unwrap()
                .id_number
                .as_deref()
                .unwrap()
                .to_string();
            let tail = spoken_digits(rng, &id[id.len() - 4..], &[4]);
            return fill(pick(rng, &bank.id_tail_corrections), &[("tail", &tail)]);
        }
        let said = self.say(rng, fact);
        if fact == Fact::Phone && rng.random_bool(0.5) {
            let phone = self.phone_spoken(rng);
            return fill(pick(rng, &bank.corrections), &[("phone", &phone)]);
        }
        fill(pick(rng, &bank.read_back_corrections), &[("fact", &said)])
    }

    /// A yes to a change the caller wants, a no to anything else.
    fn answer_proposal(&self, proposal: &Proposal) -> String {
        let Proposal::Change { values } = proposal else {
            return "不是".to_string();
        };
        let truth = serde_json::to_value(self.application()).unwrap();
        let all_true = values.iter().all(|(slot, value)| {
            let pointer = format!("/{}", slot.replace('.', "/"));
            truth.pointer(&pointer) == Some(value)
        });
        if all_true { "是的" } else { "不是" }.to_string()
    }

    fn with_filler(&self, rng: &mut StdRng, text: String) -> String {
        if rng.random_bool(0.3) {
            format!("{}，{text}", pick(rng, &self.bank.fillers))
        } else {
            text
        }
    }

    /// The answer to the pending question `slot`.
    fn answer(&mut self, rng: &mut StdRng, slot: &str) -> String {
        let bank = self.bank;
        let fact = match slot {
            "category" => Fact::Situation,
            "destination" | "destination.province" | "destination.city" => Fact::Destination,
            "insurance" => Fact::Insurance,
            "applicant.name" => Fact::Name,
            "applicant.id_number" => Fact::Id,
            "applicant.phone" => Fact::Phone,
            "submit_via" => Fact::Channel,
            "by_proxy" => Fact::Proxy,
            // 有 alone first, now and then: the documents named when asked which.
            "materials" if !self.said_bare_have && rng.random_bool(0.3) => {
                self.said_bare_have = true;
                return pick(rng, &bank.bare_have).clone();
            }
            "materials" => Fact::Materials,
            "hukou_moved" => return pick(rng, &bank.hukou_moved).clone(),
            "scheme" => return pick(rng, &bank.general_scheme).clone(),
            "incurred_costs_at_destination" => return pick(rng, &bank.no_costs).clone(),
            _ => return "这个我不太清楚".to_string(),
        };
        self.say(rng, fact)
    }

    /// A fact not said yet, if any, at random.
    fn unsaid(&self, rng: &mut StdRng) -> Option<Fact> {
        let mut facts = vec![
            Fact::Situation,
            Fact::Destination,
            Fact::Insurance,
            Fact::Name,
            Fact::Id,
            Fact::Phone,
        ];
        if self.application().submit_via == Some(Channel::Fax) {
            facts.push(Fact::Channel);
        }
        if self.truth.relative.is_some() {
            facts.push(Fact::Proxy);
        }
        let open: Vec<Fact> = facts
            .into_iter()
            .filter(|fact| !self.said.contains(fact))
            .collect();
        (!open.is_empty()).then(|| *pick(rng, &open))
    }

    /// The value of `fact` the caller said goes back to the truth.
    fn put_right(&mut self, fact: Fact) {
        let truth = self.application().applicant.clone();
        let said = self.said_values.applicant.get_or_insert_default();
        let truth = truth.unwrap_or_default();
        match fact {
            Fact::Name => said.name = truth.name,
            Fact::Id => said.id_number = truth.id_number,
            Fact::Phone => said.phone = truth.phone,
            _ => {}
        }
    }

    /// The first time `fact` is the slip, a wrong value for it is what the
    /// caller says (and has said).
    fn maybe_slip(&mut self, rng: &mut StdRng, fact: Fact) {
        if self.slip != Some(fact) {
            return;
        }
        self.slip = None;
        if self.slip_corrected_at_once {
            self.correction_due = Some(fact);
        }
        let bank = self.bank;
        let truth = self.application().applicant.clone().unwrap_or_default();
        let said = self.said_values.applicant.get_or_insert_default();
        match fact {
            Fact::Name => {
                let true_name = truth.name.unwrap_or_default();
                let surname: String = true_name.chars().take(1).collect();
                loop {
                    let name = format!("{surname}{}", pick(rng, &bank.given_names));
                    if name != true_name {
                        said.name = Some(name);
                        break;
                    }
                }
            }
            Fact::Id => {
                // The last digits misremembered: still a valid number.
                let true_id = truth.id_number.as_deref().unwrap_or_default().to_string();
                loop {
                    let id = id_number(rng, &true_id[..14]);
                    if id != true_id {
                        said.id_number = Some(hotline::rules::IdNumber::parse(&id).unwrap());
                        self.numbers_said.push(id);
                        break;
                    }
                }
            }
            Fact::Phone => {
                let true_phone = truth.phone.as_deref().unwrap_or_default().to_string();
                loop {
                    let phone = mobile(rng);
                    if phone != true_phone {
                        said.phone = Some(hotline::rules::Phone::parse(&phone).unwrap());
                        self.numbers_said.push(phone);
                        break;
                    }
                }
            }
            _ => {}
        }
    }

    fn say(&mut self, rng: &mut StdRng, fact: Fact) -> String {
        self.maybe_slip(rng, fact);
        let bank = self.bank;
        let application = self.application().clone();
        let (who, they) = self.who();
        let by_proxy = self.truth.relative.is_some();
        let applicant = self.said_values.applicant.clone().unwrap_or_default();
        // The applicant's own words, or the relative's (他叫…) when acting
        // for one, with `value` filled in.
        let about = |rng: &mut StdRng, own: &[String], relative: &[String], value: (&str, &str)| {
            let templates = if by_proxy { relative } else { own };
            fill(
                pick(rng, templates),
                &[value, ("who", &who), ("they", &they)],
            )
        };
        let text = match fact {
            Fact::Situation => {
                let category = application.category.unwrap().id();
                let situation = &bank.situations[category];
                let template = if self.said.contains(&Fact::Destination) {
                    pick(rng, &situation.bare).clone()
                } else {
                    self.said.push(Fact::Destination);
                    let place = self.destination_words(rng, "{ps}{cs}");
                    fill(pick(rng, &situation.with_place), &[("place", &place)])
                };
                fill(template, &[("who", &who), ("they", &they)])
            }
            Fact::Destination => {
                let template = pick(rng, &bank.destinations).clone();
                self.destination_words(rng, &template)
            }
            Fact::Insurance => {
                let key = match application.insurance.unwrap() {
                    Insurance::Employee => "employee",
                    Insurance::Resident => "resident",
                };
                pick(rng, &bank.insurance[key]).clone()
            }
            Fact::Proxy if by_proxy => fill(
                pick(rng, &bank.by_proxy_other),
                &[("who", &who), ("they", &they)],
            ),
            Fact::Proxy => pick(rng, &bank.by_proxy_self).clone(),
            Fact::Name => {
                let name = applicant.name.unwrap();
                about(rng, &bank.names, &bank.names_for_relative, ("name", &name))
            }
            Fact::Id => {
                let id = applicant.id_number.as_deref().unwrap().to_string();
                let spoken = spoken_digits(rng, &id, &[6, 8, 4]);
                about(rng, &bank.ids, &bank.ids_for_relative, ("id", &spoken))
            }
            Fact::Phone => {
                let phone = self.phone_spoken(rng);
                fill(pick(rng, &bank.phones), &[("phone", &phone)])
            }
            Fact::Channel => {
                let key = match application.submit_via.unwrap() {
                    Channel::Fax => "fax",
                    _ => "phone",
                };
                pick(rng, &bank.channels[key]).clone()
            }
            Fact::Materials => self.materials_said(rng),
        };
        if !self.said.contains(&fact) {
            self.said.push(fact);
        }
        if let Some((relative, _)) = &self.truth.relative {
            self.relative_named |= text.contains(relative.as_str());
        }
        text
    }

    /// The documents held, as a list; now and then after denying one the
    /// caller does not hold.
    fn materials_said(&self, rng: &mut StdRng) -> String {
        let bank = self.bank;
        let joined = self.material_names_said(rng);
        if !self.truth.not_held.is_empty() && rng.random_bool(0.25) {
            let missing = pick(rng, &self.truth.not_held);
            let missing = pick(rng, &bank.material_names[missing.as_str()]);
            return fill(
                pick(rng, &bank.materials_with_denial),
                &[("missing", missing), ("materials", &joined)],
            );
        }
        fill(pick(rng, &bank.materials), &[("materials", &joined)])
    }

    /// The documents held, named as a caller names them and joined.
    fn material_names_said(&self, rng: &mut StdRng) -> String {
        let bank = self.bank;
        let names: Vec<String> = self
            .application()
            .materials
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|id| pick(rng, &bank.material_names[id.as_str()]).clone())
            .collect();
        if rng.random_bool(0.5) {
            names.join("和")
        } else {
            names.join("、")
        }
    }

    /// The phone number as the caller has given it (a slip included).
    fn phone_spoken(&self, rng: &mut StdRng) -> String {
        let phone = self
            .said_values
            .applicant
            .as_ref()
            .unwrap()
            .phone
            .as_deref()
            .unwrap()
            .to_string();
        spoken_digits(rng, &phone, &[3, 4, 4])
    }

    /// The destination in the words of `template` ({p}{c} full, {ps}{cs} short).
    fn destination_words(&self, _rng: &mut StdRng, template: &str) -> String {
        let destination = self.application().destination.clone().unwrap();
        let province = destination.province.unwrap();
        let city = destination.city.unwrap();
        fill(
            template,
            &[
                ("ps", &short(&province)),
                ("cs", &short(&city)),
                ("p", &province),
                ("c", &city),
            ],
        )
    }

    /// A city named in a question that is not the destination: often the
    /// caller's own city (回东莞看病…).
    fn other_place(&self, rng: &mut StdRng) -> String {
        if rng.random_bool(0.5) {
            return short(&self.truth.own_city);
        }
        let city = self
            .application()
            .destination
            .as_ref()
            .unwrap()
            .city
            .clone();
        loop {
            let (_, other) = pick(rng, &self.bank.places);
            if Some(other) != city.as_ref() {
                return short(other);
            }
        }
    }
}

/// The fact a caller says to put right a read-back of `slot`.
fn fact_of_slot(slot: &str) -> Option<Fact> {
    Some(match slot {
        "applicant.name" => Fact::Name,
        "applicant.id_number" => Fact::Id,
        "applicant.phone" => Fact::Phone,
        "destination" => Fact::Destination,
        "submit_via" => Fact::Channel,
        "materials" => Fact::Materials,
        "insurance" => Fact::Insurance,
        "category" => Fact::Situation,
        "by_proxy" => Fact::Proxy,
        _ => return None,
    })
}
