//! The demo's Shenyang: districts and counties, units under them, activity themes.

/// The city's 13 districts and counties, each a `district` unit.
pub const DISTRICTS: [&str; 13] = [
    "和平区",
    "沈河区",
    "大东区",
    "皇姑区",
    "铁西区",
    "苏家屯区",
    "浑南区",
    "沈北新区",
    "于洪区",
    "辽中区",
    "康平县",
    "法库县",
    "新民市",
];

/// (name, kind, index into [`DISTRICTS`]).
pub const UNITS: [(&str, &str, usize); 40] = [
    ("东北大学", "university", 0),
    ("中国医科大学附属盛京医院", "institute", 0),
    ("沈阳市和平区科学技术协会", "other", 0),
    ("沈阳药科大学", "university", 1),
    ("沈阳农业大学", "university", 1),
    ("中国科学院金属研究所", "institute", 1),
    ("沈阳市医学会", "society", 1),
    ("沈阳大学", "university", 2),
    ("辽宁省肿瘤医院", "institute", 2),
    ("华晨宝马汽车有限公司", "enterprise", 2),
    ("辽宁大学", "university", 3),
    ("沈阳师范大学", "university", 3),
    ("辽宁中医药大学", "university", 3),
    ("沈阳市气象学会", "society", 3),
    ("沈阳化工大学", "university", 4),
    ("沈鼓集团股份有限公司", "enterprise", 4),
    ("沈阳市铁西区科学技术协会", "other", 4),
    ("沈阳市苏家屯区科学技术协会", "other", 5),
    ("沈阳市农学会", "society", 5),
    ("中国科学院沈阳自动化研究所", "institute", 6),
    ("沈阳建筑大学", "university", 6),
    ("沈阳理工大学", "university", 6),
    ("沈阳新松机器人自动化股份有限公司", "enterprise", 6),
    ("东软集团股份有限公司", "enterprise", 6),
    ("中国医科大学", "university", 7),
    ("沈阳航空航天大学", "university", 7),
    ("沈阳工业大学", "university", 7),
    ("沈阳市于洪区科学技术协会", "other", 8),
    ("沈阳市营养学会", "society", 8),
    ("沈阳市辽中区科学技术协会", "other", 9),
    ("辽中区农业技术推广中心", "institute", 9),
    ("康平县科学技术协会", "other", 10),
    ("康平县农业技术推广中心", "institute", 10),
    ("法库县科学技术协会", "other", 11),
    ("法库县中医院", "institute", 11),
    ("新民市科学技术协会", "other", 12),
    ("新民市农业技术推广中心", "institute", 12),
    ("沈阳市计算机学会", "society", 0),
    ("沈阳市药学会", "society", 1),
    ("沈阳市地震学会", "society", 3),
];

/// Team name stems (a unit's name is put before them).
pub const TEAM_STEMS: [&str; 12] = [
    "科普志愿服务队",
    "青年科技志愿服务队",
    "银龄科技志愿服务队",
    "健康科普志愿服务队",
    "科技助农志愿服务队",
    "青少年科创志愿服务队",
    "防灾减灾科普服务队",
    "智能制造科普服务队",
    "中医药文化志愿服务队",
    "数字素养志愿服务队",
    "气象科普志愿服务队",
    "生态环保科普服务队",
];

/// (category code, activity name, task) — the notice's 活动内容 items (`GET /api/v1/categories`).
pub const THEMES: [(&str, &str, &str); 12] = [
    ("lecture", "社区科普大讲堂", "讲解家庭用电与燃气安全"),
    ("training", "农村实用技术培训", "设施农业病虫害防治培训"),
    ("agriculture", "田间地头技术指导", "玉米高产栽培现场指导"),
    ("clinic", "健康义诊进社区", "慢性病筛查与用药咨询"),
    ("youth", "青少年机器人科普课", "编程与机器人动手实践"),
    ("venue", "科技馆志愿讲解", "展项讲解与互动演示"),
    ("major_event", "全国科普日主题活动", "科普展板与互动体验"),
    ("vulnerable_groups", "老年人智能手机培训", "手机支付与防诈骗讲解"),
    ("online", "线上科普直播", "应急避险知识直播讲解"),
    ("lecture", "校园防震减灾讲座", "地震避险演练"),
    ("training", "社区中医药养生讲座", "八段锦教学与养生知识"),
    ("other", "科学素质提升行动", "科普资料发放与答疑"),
];

pub const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "高", "林", "罗",
];

pub const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "志刚", "海燕",
];

pub const PLACES: [&str; 10] = [
    "社区服务中心",
    "街道文化站",
    "中心小学",
    "村委会活动室",
    "科技馆",
    "老年大学",
    "图书馆报告厅",
    "社区卫生服务中心",
    "农业示范园",
    "中学科技教室",
];

pub const TITLES: [&str; 6] = ["教授", "副教授", "主任医师", "高级工程师", "研究员", "高级农艺师"];

pub const BANKS: [&str; 5] = [
    "中国工商银行沈阳分行",
    "中国建设银行沈阳分行",
    "中国银行沈阳分行",
    "盛京银行",
    "中国农业银行沈阳分行",
];
