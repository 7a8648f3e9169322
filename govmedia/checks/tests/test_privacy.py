import pytest

from govmedia.checks.engine import Engine
from govmedia.checks.rules.privacy import find_privacy, id18_valid, luhn_valid, mask_text


def rules(text):
    return [(f.rule, f.text) for f in find_privacy(text)]


def test_it_validates_id_numbers_with_the_mod_11_2_check_digit():
    assert id18_valid("110101199003074514")
    assert id18_valid("44030419851231002X")
    assert not id18_valid("110101199003074515")
    assert not id18_valid("110101199013074514")  # month 13


def test_it_flags_valid_id_numbers_only():
    assert rules("身份证110101199003074514。") == [("privacy:id18", "110101199003074514")]
    assert rules("号码110101199003074515。") == []
    assert rules("旧证330106800101123号") == [("privacy:id15", "330106800101123")]


def test_old_15_digit_numbers_have_no_check_digit_so_their_context_decides():
    assert [f.severity for f in find_privacy("身份证号330106800101123")] == ["blocking"]
    assert [f.severity for f in find_privacy("号码330106800101123")] == ["warning"]
    assert find_privacy("项目编号330106800101123") == []


@pytest.mark.parametrize(
    "written",
    ["110101 19900307 4514", "110101-19900307-4514", "110101 1990 0307 4514"],
)
def test_it_flags_id_numbers_written_in_groups(written):
    [finding] = find_privacy(f"申请人{written}，已受理。")
    assert (finding.rule, finding.severity, finding.text) == ("privacy:id18", "blocking", written)
    assert "校验位正确" in finding.reason


def test_it_flags_id_numbers_in_full_width_digits_through_the_engine():
    text = "身份证号１１０１０１－１９９００３０７－４５１４。"
    [finding] = Engine().check(text).findings
    assert finding.rule == "privacy:id18"
    assert finding.text == "１１０１０１－１９９００３０７－４５１４"
    assert mask_text(text, [finding]) == "身份证号１１****－********－*５１４。"


def test_a_wrong_check_digit_is_only_a_warning_and_only_next_to_an_id_word():
    [finding] = find_privacy("公民身份号码：110101199003074515")
    assert (finding.rule, finding.severity) == ("privacy:id18-checksum", "warning")
    assert "应为4" in finding.reason
    assert rules("登记号110101199003074515") == []
    # Not a real date (month 13): not an ID number even with the word.
    assert rules("身份证号110101199013074514") == []


def test_an_id_number_with_one_wrong_digit_is_not_blocked_as_a_bank_card():
    # Gansu numbers start with 62 like UnionPay cards; this one also passes Luhn.
    number = "620102198506120033"
    assert luhn_valid(number)
    assert rules(f"号码{number}") == []


def test_residence_permits_of_hong_kong_macao_and_taiwan_residents():
    assert rules("居住证号码810000199003074518") == [
        ("privacy:residence-permit", "810000199003074518")
    ]
    assert rules("830000200101011237") == [("privacy:residence-permit", "830000200101011237")]


@pytest.mark.parametrize(
    ("text", "rule", "value"),
    [
        ("护照号码E12345678", "privacy:passport", "E12345678"),
        ("持普通护照（G12345678）入境", "privacy:passport", "G12345678"),
        ("护照号：EA1234567", "privacy:passport", "EA1234567"),
        ("港澳居民来往内地通行证H12345678", "privacy:hk-macao-permit", "H12345678"),
        ("回乡证号码M1234567890", "privacy:hk-macao-permit", "M1234567890"),
        ("台湾居民来往大陆通行证号码：12345678", "privacy:taiwan-permit", "12345678"),
    ],
)
def test_passports_and_permits_are_flagged_next_to_their_name(text, rule, value):
    [finding] = find_privacy(text)
    assert (finding.rule, finding.severity, finding.text) == (rule, "blocking", value)


@pytest.mark.parametrize("text", ["型号E12345678", "批次H12345678", "共计12345678人次"])
def test_passport_and_permit_shapes_without_their_name_are_left_alone(text):
    assert rules(text) == []


def test_plates_are_warnings_next_to_a_vehicle_word_or_in_a_list_of_people():
    [plate] = find_privacy("号牌为京A12345的小型汽车")
    assert (plate.rule, plate.severity, plate.text) == ("privacy:plate", "warning", "京A12345")
    assert rules("新能源车辆粤BD12345、沪A12345F") == [
        ("privacy:plate", "粤BD12345"),
        ("privacy:plate", "沪A12345F"),
    ]
    assert rules("张三，13812341234，苏E·12345") == [
        ("privacy:mobile", "13812341234"),
        ("privacy:plate", "苏E·12345"),
    ]
    assert rules("京A12345") == []  # no vehicle word, no personal data on the line
    assert "京A***45" in mask_text("车牌京A12345", find_privacy("车牌京A12345"))


def test_bank_cards_need_a_card_word_or_a_card_issuer_prefix():
    # 1234567890123452 passes Luhn, but 12 is no issuer's prefix.
    assert rules("卡号1234567890123452") == [("privacy:bank-card", "1234567890123452")]
    assert rules("号码1234567890123452") == []
    assert rules("6222021234567890128") == [("privacy:bank-card", "6222021234567890128")]
    # Visa and Mastercard prefixes are common among random numbers: a warning alone.
    [card] = find_privacy("4367421234567890129")
    assert card.severity == "warning" and "Visa" in card.reason
    assert [f.severity for f in find_privacy("信用卡4367421234567890129")] == ["blocking"]
    # 账号 also introduces a body's own account for fees: a warning.
    [account] = find_privacy("缴费账号：1234567890123452")
    assert (account.rule, account.severity) == ("privacy:bank-card", "warning")


@pytest.mark.parametrize(
    "text",
    [
        "项目编号：6222021234567890128",
        "合同编号2024050612345671",
        "订单号6222021234567890128",
        "统一社会信用代码 6222021234567890128",
        "项目编号：13812345678",
        "证书编号13800138000",
    ],
)
def test_numbers_named_as_codes_are_neither_cards_nor_phones(text):
    assert rules(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("根据示政发〔2024〕12号文件，联系电话13800138000。", "13800138000"),
        ("项目编号2024001，负责人手机13800138000", "13800138000"),
        ("合同编号HT-2024-001，乙方卡号1234567890123452", "1234567890123452"),
    ],
)
def test_a_code_word_in_an_earlier_clause_does_not_hide_a_number(text, value):
    assert [f.text for f in find_privacy(text)] == [value]


def test_addresses_are_reported_only_when_asked():
    text = "当事人家住示例省示例市城区建设路88号3号楼2单元301室。"
    assert rules(text) == []
    [address] = find_privacy(text, addresses=True)
    assert (address.rule, address.severity) == ("privacy:address", "warning")
    assert address.text == "示例省示例市城区建设路88号3号楼2单元301室"
    [office] = find_privacy("办公地址：示例市城区龙鼎大道1号", addresses=True)
    assert office.severity == "info"
    assert find_privacy("第二十条第3号", addresses=True) == []
    assert Engine(addresses=True).check(text).findings[0].rule == "privacy:address"


def test_it_flags_mobile_numbers_with_or_without_spaces():
    assert rules("电话13800138000") == [("privacy:mobile", "13800138000")]
    assert rules("请拨打138 0013 8000联系") == [("privacy:mobile", "138 0013 8000")]
    assert rules("请拨打+86 138-0013-8000") == [("privacy:mobile", "+86 138-0013-8000")]


@pytest.mark.parametrize(
    "text",
    [
        "电话0755-12345678",
        "热线12345",
        "传真88776655，总机6543210",
        "示政发〔2024〕5号",
        "索引号11440300MB2C12345X/2026-00012",
        "索引号11370100004188522Y/2024-00123",
        "济政发〔2024〕12号",
        "总投资13800138000元",
        "金额1,234,567.89元",
        "2024年12月31日，20241231",
        "订单号202406011380013800001",
        "见https://www.example.gov.cn/a/13800138000.html",
        "举报邮箱jubao@sz.gov.cn",
    ],
)
def test_it_leaves_numbers_that_are_not_personal_data_alone(text):
    assert rules(text) == []


def test_it_flags_bank_cards_that_pass_the_luhn_check():
    assert luhn_valid("6222021234567890128")
    assert rules("卡号6222021234567890128") == [("privacy:bank-card", "6222021234567890128")]
    assert rules("卡号6222 0212 3456 7890 128") == [
        ("privacy:bank-card", "6222 0212 3456 7890 128")
    ]
    assert rules("卡号6222021234567890127") == []


def test_every_finding_says_why_it_fired():
    text = "身份证110101199003074514，手机13812341234，卡号6222021234567890128，邮箱ab@qq.com"
    assert all(f.reason for f in find_privacy(text))


def test_it_flags_personal_email_addresses():
    assert rules("邮箱zhang.san@qq.com。") == [("privacy:email", "zhang.san@qq.com")]


def test_it_masks_each_kind_of_number():
    text = "身份证110101199003074514，手机13812341234，卡号6222021234567890128，邮箱ab@qq.com"
    masked = mask_text(text, find_privacy(text))
    assert "11*************514" in masked
    assert "138****1234" in masked
    assert "***************0128" in masked
    assert "a***@qq.com" in masked


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="0123456789 -－Xx?号中", max_size=60))
def test_number_regions_found_on_the_projection_are_those_of_the_regex(text):
    from govmedia.checks.rules.privacy import (
        _CANDIDATE_BYTES,
        _CANDIDATE_BYTES_RE,
        _CANDIDATE_RE,
    )

    projected = text.replace("－", "-").encode("ascii", "replace").translate(_CANDIDATE_BYTES)
    assert [m.span() for m in _CANDIDATE_BYTES_RE.finditer(projected)] == [
        m.span() for m in _CANDIDATE_RE.finditer(text)
    ]
