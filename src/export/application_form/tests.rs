use super::*;
use crate::domain::cycle::DEFAULT_FORM_INSTRUCTIONS;
use crate::export::docx_text::{document_text, document_xml, tables};

pub fn sample() -> ApplicationForm {
    let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    ApplicationForm {
        year: 2024,
        project_name: "社区防灾科普进万家".into(),
        team_name: "沈阳工学院科技志愿服务队".into(),
        unit_name: "沈阳工学院".into(),
        application_date: Some(day(10, 15)),
        issued: (2024, 9),
        instructions: DEFAULT_FORM_INSTRUCTIONS.into(),
        founded_on: day(3, 1),
        volunteer_count: 48,
        leader_name: "王五".into(),
        leader_title: "副教授".into(),
        phone: "024-88886666".into(),
        mobile: "13612345678".into(),
        overview: "志愿者48人。\n全年讲座12场。".into(),
        highlights: "立足社区。".into(),
        benefits: "居民受益。".into(),
        activities: vec![
            CountedActivity {
                date: day(5, 12),
                name: "防灾讲座".into(),
                sessions: 2,
                people_served: 130,
            },
            CountedActivity {
                date: day(6, 1),
                name: "青少年科技营".into(),
                sessions: 3,
                people_served: 90,
            },
        ],
        bank: Some(BankLines {
            bank_name: "中国工商银行沈阳北陵支行".into(),
            account_no: "6222020200012345678".into(),
            account_name: "沈阳工学院".into(),
        }),
        unit_opinion: Some("同意申报。".into()),
        district: DistrictSection::Recommendation(Some("同意推荐。".into())),
        municipal_opinion: None,
    }
}

fn text(form: &ApplicationForm) -> Vec<String> {
    document_text(&build(form).unwrap())
}

/// R-FORM: the cover, the 填报说明 and the table, labels and values in the notice's order.
#[test]
fn the_application_follows_the_notice_in_order() {
    let got = text(&sample());
    let mut expected: Vec<String> = [
        "2024年沈阳市",
        "科技志愿服务“智惠行动”项目申报书",
        "项目名称：",
        "社区防灾科普进万家",
        "申报组织：",
        "沈阳工学院科技志愿服务队",
        "隶属单位：",
        "沈阳工学院",
        "申报日期：",
        "2024年10月15日",
        "沈阳市科学技术协会制",
        "2024年9月",
        "填报说明",
    ]
    .map(String::from)
    .to_vec();
    expected.extend(DEFAULT_FORM_INSTRUCTIONS.lines().map(String::from));
    expected.extend(
        [
            "一、基本情况",
            "队伍名称",
            "沈阳工学院科技志愿服务队",
            "隶属单位",
            "沈阳工学院",
            "成立时间",
            "2024年3月1日",
            "注册科技志愿者人数",
            "48",
            "项目负责人",
            "王五",
            "职称/职务",
            "副教授",
            "联系电话",
            "024-88886666",
            "手机",
            "13612345678",
            "二、项目概述",
            "志愿者48人。",
            "全年讲座12场。",
            "计入的活动（2项，活动期内已登记并填报）：",
            "序号",
            "日期",
            "活动名称",
            "场次",
            "服务对象人数",
            "1",
            "2024年5月12日",
            "防灾讲座",
            "2",
            "130",
            "2",
            "2024年6月1日",
            "青少年科技营",
            "3",
            "90",
            "合计",
            "5",
            "220",
            "三、活动亮点",
            "立足社区。",
            "四、项目效益",
            "居民受益。",
            "五、隶属单位意见",
            "同意申报。",
            "项目负责人（签字）：",
            "单位负责人（签字）：",
            "开户银行：中国工商银行沈阳北陵支行",
            "账号：6222020200012345678",
            "户名：沈阳工学院",
            "单位公章",
            "年　　月　　日",
            "六、区、县（市）级科协推荐意见",
            "同意推荐。",
            "单位公章",
            "年　　月　　日",
            "七、市科协审核意见",
            "单位公章",
            "年　　月　　日",
        ]
        .map(String::from),
    );
    assert_eq!(got, expected);
}

/// R-FORM: a draft has no date yet; the label stays with an empty line for it.
#[test]
fn a_draft_leaves_the_date_blank() {
    let mut f = sample();
    f.application_date = None;
    let got = text(&f);
    let at = got.iter().position(|t| t == "申报日期：").unwrap();
    assert_eq!(got[at + 1], "沈阳市科学技术协会制");
}

/// R-FORM, R-PII: the expert's copy has no bank lines at all.
#[test]
fn without_bank_lines_nothing_of_the_account_is_printed() {
    let mut f = sample();
    f.bank = None;
    let got = text(&f).join("\n");
    for absent in ["开户银行", "账号", "户名", "6222020200012345678", "北陵支行"] {
        assert!(!got.contains(absent), "{absent} in the expert copy");
    }
    assert!(got.contains("单位负责人（签字）："));
}

/// R-FORM: without a district the section 六 is one line saying why (SPEC "Opinions").
#[test]
fn without_a_district_section_six_is_one_line() {
    let mut f = sample();
    f.district = DistrictSection::NoDistrict;
    let got = text(&f);
    assert!(!got.iter().any(|t| t == "六、区、县（市）级科协推荐意见"));
    let note = got.iter().position(|t| t == NO_DISTRICT_NOTE).unwrap();
    assert_eq!(got[note + 1], "七、市科协审核意见");
    assert_eq!(got.iter().filter(|t| *t == "单位公章").count(), 2);
}

/// R-NAME, R-FORM: the longest project name and 2,000-character texts stay inside the fixed
/// grid: every row spans the four columns, the table is as wide as the text area.
#[test]
fn long_names_and_texts_keep_the_table_whole() {
    let mut f = sample();
    f.project_name = "社".repeat(20);
    f.overview = "概".repeat(2000);
    f.highlights = "亮".repeat(2000);
    f.benefits = "效".repeat(2000);
    f.unit_opinion = Some("意".repeat(1000));
    let bytes = build(&f).unwrap();
    let xml = document_xml(&bytes).unwrap();
    let shapes = tables(&xml);
    assert_eq!(shapes.len(), 2, "cover fields and the main table");
    for t in &shapes {
        assert!(t.fixed_layout);
        assert_eq!(t.width, Some(t.grid.iter().sum()));
        assert!(t.row_spans.iter().all(|s| *s == t.grid.len()), "{t:?}");
    }
    assert_eq!(shapes[1].grid.iter().sum::<usize>(), d::TEXT_WIDTH);
    let got = document_text(&bytes);
    for long in [&f.project_name, &f.overview, &f.highlights, &f.benefits] {
        assert!(got.contains(long), "the text is whole, in one paragraph");
    }
}

/// R-FORM: A4, margins, a footer with the PAGE field, East Asian fonts declared.
#[test]
fn the_page_is_a4_with_numbers_and_chinese_fonts() {
    let bytes = build(&sample()).unwrap();
    let xml = document_xml(&bytes).unwrap();
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4 portrait");
    assert!(xml.contains(r#"w:eastAsia="宋体""#));
    assert!(xml.contains(r#"w:fill="E7E6E6""#), "label cells are shaded");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut footers = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().unwrap().starts_with("word/footer") {
            std::io::Read::read_to_string(&mut f, &mut footers).unwrap();
        }
    }
    assert!(footers.contains("PAGE"), "{footers}");
    let mut fonts = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/fontTable.xml").unwrap(), &mut fonts).unwrap();
    assert!(fonts.contains(r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/>"#));
}
