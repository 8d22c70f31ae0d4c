//! A simulated caller: holds a true Application and gives its facts in
//! random order and wording, answering what the dialogue asks (the
//! session's pending slot), with fillers, spoken digits, questions between
//! answers, a correction, a place named inside a question, a bare 有 to
//! the materials question and a question after the registration is done.

use hotline::Assistant;
use hotline::dialogue::{DialogueState, Session, SessionChannel, Turn};
use hotline::rules::{Application, Channel, Insurance};
use rand::Rng;
use rand::rngs::StdRng;

use super::bank::{Bank, fill, pick, short, spoken_digits};
use super::truth::{Truth, mobile};

/// Caller turns after which a call that has not ended is stuck.
pub const MAX_TURNS: usize = 40;

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
}

/// The facts a caller may volunteer before being asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fact {
    Situation,
    Destination,
    Insurance,
    Name,
    Id,
    Phone,
    Channel,
    Materials,
}

struct Caller<'a> {
    bank: &'a Bank,
    truth: &'a Truth,
    said: Vec<Fact>,
    /// A wrong phone number was given; the correction comes next turn.
    correction_due: bool,
    will_correct: bool,
    questions_left: u32,
    place_question: bool,
    /// A bare 有 was said to the materials question.
    said_bare_have: bool,
}

pub fn play(rng: &mut StdRng, bank: &Bank, assistant: &Assistant, truth: &Truth) -> Call {
    let channel = if rng.random_bool(0.7) {
        SessionChannel::Phone
    } else {
        SessionChannel::Widget
    };
    let (mut session, _) =
        assistant.start_session(channel, Some(&truth.application.region), truth.today);
    let mut caller = Caller {
        bank,
        truth,
        said: Vec::new(),
        correction_due: false,
        will_correct: rng.random_bool(0.25),
        questions_left: rng.random_range(0..=2),
        place_question: rng.random_bool(0.3),
        said_bare_have: false,
    };
    let ask_after_done = rng.random_bool(0.6);
    let mut call = Call {
        channel,
        transcript: Vec::new(),
        registrations: Vec::new(),
        turns_to_register: None,
        end: End::Stuck,
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
        call.transcript.push((text, turn));
        match state {
            DialogueState::Handoff | DialogueState::AgentActive => {
                call.end = End::Handoff;
                return call;
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
                return call;
            }
            _ => {}
        }
        text = caller.next(rng, &session);
    }
    call
}

impl Caller<'_> {
    fn application(&self) -> &Application {
        &self.truth.application
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
            _ => parts.push(self.say(rng, Fact::Situation)),
        }
        if self.application().submit_via == Some(Channel::Fax) && rng.random_bool(0.5) {
            parts.push(self.say(rng, Fact::Channel));
        }
        parts.join("，")
    }

    /// The caller's next utterance, given where the dialogue is.
    fn next(&mut self, rng: &mut StdRng, session: &Session) -> String {
        if self.correction_due {
            self.correction_due = false;
            let phone = self.phone_spoken(rng);
            return fill(pick(rng, &self.bank.corrections), &[("phone", &phone)]);
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
            // A fax caller who has not said so hears 通过电话办理 and says it.
            if self.application().submit_via == Some(Channel::Fax)
                && !self.said.contains(&Fact::Channel)
            {
                let fax = self.say(rng, Fact::Channel);
                return format!("不对，{fax}");
            }
            return pick(rng, &self.bank.affirm).clone();
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
            // 有 alone first, now and then: the documents named when asked which.
            "materials" if !self.said_bare_have && rng.random_bool(0.3) => {
                self.said_bare_have = true;
                return pick(rng, &bank.bare_have).clone();
            }
            "materials" => Fact::Materials,
            "by_proxy" => return pick(rng, &bank.by_proxy_self).clone(),
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
        let open: Vec<Fact> = facts
            .into_iter()
            .filter(|fact| !self.said.contains(fact))
            .collect();
        (!open.is_empty()).then(|| *pick(rng, &open))
    }

    fn say(&mut self, rng: &mut StdRng, fact: Fact) -> String {
        let bank = self.bank;
        let application = self.application().clone();
        let text = match fact {
            Fact::Situation => {
                let category = application.category.unwrap().id();
                let situation = &bank.situations[category];
                if self.said.contains(&Fact::Destination) {
                    pick(rng, &situation.bare).clone()
                } else {
                    self.said.push(Fact::Destination);
                    let place = self.destination_words(rng, "{ps}{cs}");
                    fill(pick(rng, &situation.with_place), &[("place", &place)])
                }
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
            Fact::Name => {
                let name = application
                    .applicant
                    .as_ref()
                    .unwrap()
                    .name
                    .clone()
                    .unwrap();
                fill(pick(rng, &bank.names), &[("name", &name)])
            }
            Fact::Id => {
                let id = application
                    .applicant
                    .as_ref()
                    .unwrap()
                    .id_number
                    .as_deref()
                    .unwrap()
                    .to_string();
                let spoken = spoken_digits(rng, &id, &[6, 8, 4]);
                fill(pick(rng, &bank.ids), &[("id", &spoken)])
            }
            Fact::Phone => {
                let phone = if self.will_correct {
                    self.will_correct = false;
                    self.correction_due = true;
                    let mut wrong = mobile(rng);
                    while Some(wrong.as_str())
                        == application.applicant.as_ref().unwrap().phone.as_deref()
                    {
                        wrong = mobile(rng);
                    }
                    spoken_digits(rng, &wrong, &[3, 4, 4])
                } else {
                    self.phone_spoken(rng)
                };
                fill(pick(rng, &bank.phones), &[("phone", &phone)])
            }
            Fact::Channel => {
                let key = match application.submit_via.unwrap() {
                    Channel::Fax => "fax",
                    _ => "phone",
                };
                pick(rng, &bank.channels[key]).clone()
            }
            Fact::Materials => {
                let names: Vec<String> = application
                    .materials
                    .clone()
                    .unwrap_or_default()
                    .iter()
                    .map(|id| pick(rng, &bank.material_names[id.as_str()]).clone())
                    .collect();
                let joined = if rng.random_bool(0.5) {
                    names.join("和")
                } else {
                    names.join("、")
                };
                fill(pick(rng, &bank.materials), &[("materials", &joined)])
            }
        };
        if !self.said.contains(&fact) {
            self.said.push(fact);
        }
        text
    }

    fn phone_spoken(&self, rng: &mut StdRng) -> String {
        let phone = self
            .application()
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
