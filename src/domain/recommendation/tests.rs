use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn team_facts() -> Facts {
    Facts {
        category: RecommendationCategory::Team,
        today: day(2025, 2, 1),
        outstanding: false,
        founded_on: Some(day(2020, 1, 1)),
        volunteer_count: Some(20),
        platform_id: Some("DMZY-1".into()),
        activities_reported: 50,
        activities_registered: 0,
        project_started: None,
        serving_since: None,
        point: None,
        selected_in: None,
        confirmed: confirm_items(RecommendationCategory::Team).to_vec(),
    }
}

fn item(f: &Facts, c: Condition) -> CheckItem {
    checklist(f).into_iter().find(|i| i.condition == c).unwrap()
}

/// Issue 13: 3 years after the start counts; 2 years 364 days does not.
#[test]
fn three_full_years_at_the_boundary() {
    assert!(full_years(day(2022, 2, 1), day(2025, 2, 1), 3));
    assert!(!full_years(day(2022, 2, 2), day(2025, 2, 1), 3));
    // 29 February reaches its anniversary on 28 February.
    assert!(full_years(day(2020, 2, 29), day(2023, 2, 28), 3));
    assert!(!full_years(day(2020, 2, 29), day(2023, 2, 27), 3));
}

#[test]
fn volunteers_twenty_or_ten_when_outstanding() {
    let mut f = team_facts();
    assert!(item(&f, Condition::Volunteers20).met);
    f.volunteer_count = Some(19);
    assert!(!item(&f, Condition::Volunteers20).met);
    f.outstanding = true;
    assert!(item(&f, Condition::Volunteers20).met);
    f.volunteer_count = Some(9);
    assert!(!item(&f, Condition::Volunteers20).met);
}

#[test]
fn activities_fifty_counts_registered_and_reported() {
    let mut f = team_facts();
    f.activities_reported = 40;
    f.activities_registered = 9;
    let i = item(&f, Condition::Activities50);
    assert!(!i.met);
    assert_eq!(i.figure.as_deref(), Some("49场"));
    f.activities_registered = 10;
    assert!(item(&f, Condition::Activities50).met);
}

#[test]
fn a_failing_condition_is_named_unless_waived() {
    let mut f = team_facts();
    f.activities_reported = 49;
    let items = checklist(&f);
    let e = check_recommendable(&items, &[]).unwrap_err();
    assert_eq!(e.code, "condition_not_met");
    assert_eq!(e.field.as_deref(), Some("conditions.activities50"));
    assert!(e.zh.contains("不少于50场"), "{}", e.zh);
    assert!(check_recommendable(&items, &[Condition::Activities50]).is_ok());
}

#[test]
fn unconfirmed_items_block_too() {
    let mut f = team_facts();
    f.confirmed.clear();
    let e = check_recommendable(&checklist(&f), &[]).unwrap_err();
    assert_eq!(e.code, "condition_unconfirmed");
}

#[test]
fn service_point_thresholds() {
    let mut f = team_facts();
    f.category = RecommendationCategory::ServicePoint;
    f.point = Some(PointFigures {
        teams_formed: 5,
        activity_categories: 5,
        residents_percent: 60,
    });
    assert!(checklist(&f).iter().filter(|i| i.measured).all(|i| i.met));
    f.point = Some(PointFigures {
        teams_formed: 4,
        activity_categories: 4,
        residents_percent: 59,
    });
    assert_eq!(checklist(&f).iter().filter(|i| i.measured && !i.met).count(), 3);
}

#[test]
fn selected_earlier_blocks() {
    let mut f = team_facts();
    f.selected_in = Some(2023);
    assert!(!item(&f, Condition::NotSelectedBefore).met);
}

#[test]
fn deeds_are_at_most_a_thousand_characters() {
    assert!(parse_deeds(&"事".repeat(1000)).is_ok());
    assert_eq!(
        parse_deeds(&"事".repeat(1001)).unwrap_err().code,
        "deeds_too_long"
    );
}

#[test]
fn quota_and_total_cap() {
    let q = Quotas {
        team: Some(2),
        total_cap: Some(3),
        ..Quotas::default()
    };
    assert!(q.admit(RecommendationCategory::Team, 1, 1).is_ok());
    assert_eq!(
        q.admit(RecommendationCategory::Team, 2, 2).unwrap_err().code,
        "quota_exceeded"
    );
    assert_eq!(
        q.admit(RecommendationCategory::Team, 0, 3).unwrap_err().code,
        "quota_exceeded"
    );
    assert_eq!(
        q.admit(RecommendationCategory::Project, 0, 0).unwrap_err().code,
        "category_not_enabled"
    );
}

#[test]
fn round_life() {
    use RoundAction as A;
    use RoundStatus as S;
    assert_eq!(transition(S::Draft, A::Open).unwrap(), S::Collecting);
    assert_eq!(transition(S::Collecting, A::Decide).unwrap(), S::Decided);
    assert_eq!(transition(S::Decided, A::Export).unwrap(), S::Exported);
    assert_eq!(transition(S::Exported, A::Export).unwrap(), S::Exported);
    assert_eq!(
        transition(S::Collecting, A::Export).unwrap_err().code,
        "round_state"
    );
}

#[test]
fn photo_names_follow_002() {
    assert_eq!(photo_name("张三", 1), "张三1.jpg");
    assert_eq!(photo_name("a/b", 2), "a_b2.jpg");
}
