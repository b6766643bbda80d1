//! Duplicate petitions (đơn trùng): proposed at intake despite diacritics,
//! case, spacing and word order; linked by a clerk as a repeat.

use tonic::Code;

use vanphong_proto::petitions::v1::{LinkRepeatRequest, ListDuplicateCandidatesRequest, PetitionState};

use super::support::{create, letter, office, person, petitions, take_in};
use crate::helpers::{authed, spawn_app, violated_fields};

#[tokio::test]
async fn repeats_are_found_despite_diacritics_and_word_order_and_linked_to_their_case() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut first = letter(
        "2026-02-10",
        "Khiếu nại việc Ủy ban nhân dân xã thu hồi đất nông nghiệp không bồi thường cho gia đình tôi",
    );
    first.petitioners = vec![person("Nguyễn Văn Bình", ""), person("Trần Thị Hoa", "")];
    let case = take_in(&app, &hh.clerk, first).await;
    // Someone else, other content: not a candidate of anything.
    take_in(&app, &hh.clerk, letter("2026-02-12", "Phản ánh đèn đường hỏng")).await;
    // Another office's petition from the same people is never proposed.
    let vy = office(&app, "vietyen").await;
    let mut elsewhere = letter("2026-02-11", "Khiếu nại việc thu hồi đất nông nghiệp không bồi thường");
    elsewhere.petitioners = vec![person("Nguyễn Văn Bình", "")];
    take_in(&app, &vy.clerk, elsewhere).await;

    // The same complaint again, typed without diacritics, in another case,
    // words in another order, by one of the two.
    let mut again = letter(
        "2026-03-02",
        "thu hoi dat nong nghiep KHONG boi thuong cho gia dinh toi - khieu nai viec uy ban nhan dan xa",
    );
    again.petitioners = vec![person("nguyen  van BINH", "")];
    let answer = create(&app, &hh.clerk, again).await;
    let repeat = answer.petition.expect("petition");
    assert_eq!(
        answer.duplicate_candidates.len(),
        1,
        "{:?}",
        answer.duplicate_candidates
    );
    let candidate = &answer.duplicate_candidates[0];
    assert_eq!(candidate.petition_id, case.id);
    assert_eq!(candidate.content_score, 1.0);
    assert_eq!(candidate.petitioner_score, 0.5);
    assert_eq!(candidate.score, 0.75);
    let listed = petitions(&app)
        .list_duplicate_candidates(authed(
            ListDuplicateCandidatesRequest {
                petition_id: repeat.id.clone(),
            },
            &hh.officer,
        ))
        .await
        .expect("candidates")
        .into_inner();
    assert_eq!(listed.candidates, answer.duplicate_candidates);

    // Linking to itself, or to a later petition, is refused.
    let e = petitions(&app)
        .link_repeat(authed(
            LinkRepeatRequest {
                petition_id: case.id.clone(),
                case_id: repeat.id.clone(),
                note: String::new(),
            },
            &hh.clerk,
        ))
        .await
        .expect_err("later");
    assert_eq!(violated_fields(&e), vec!["case_id"]);

    let linked = petitions(&app)
        .link_repeat(authed(
            LinkRepeatRequest {
                petition_id: repeat.id.clone(),
                case_id: case.id.clone(),
                note: "Cùng nội dung đơn tháng 2".into(),
            },
            &hh.clerk,
        ))
        .await
        .expect("linked")
        .into_inner();
    assert_eq!(linked.state, PetitionState::Filed as i32);
    assert_eq!(linked.repeat_of, case.id);
    assert!(!linked.closed_on.is_empty(), "not a new case");
    let case = petitions(&app)
        .get_petition(authed(
            vanphong_proto::petitions::v1::GetPetitionRequest {
                petition_id: case.id.clone(),
            },
            &hh.clerk,
        ))
        .await
        .expect("case")
        .into_inner();
    assert_eq!(case.repeat_count, 1, "counted as repeated (nhiều lần)");
    assert_eq!(case.state, PetitionState::Classifying as i32, "the case goes on");

    // A repeat is not linked twice.
    let e = petitions(&app)
        .link_repeat(authed(
            LinkRepeatRequest {
                petition_id: repeat.id.clone(),
                case_id: case.id.clone(),
                note: String::new(),
            },
            &hh.clerk,
        ))
        .await
        .expect_err("twice");
    assert_eq!(e.code(), Code::FailedPrecondition);

    // A third letter is proposed the case, not the repeat.
    let mut third = letter(
        "2026-03-02",
        "Khiếu nại việc UBND xã thu hồi đất nông nghiệp không bồi thường cho gia đình tôi",
    );
    third.petitioners = vec![person("Trần Thị Hoa", ""), person("Nguyễn Văn Bình", "")];
    let answer = create(&app, &hh.clerk, third).await;
    let ids: Vec<&str> = answer
        .duplicate_candidates
        .iter()
        .map(|c| c.petition_id.as_str())
        .collect();
    assert_eq!(ids, vec![case.id.as_str()]);
    assert_eq!(answer.duplicate_candidates[0].petitioner_score, 1.0);
}
