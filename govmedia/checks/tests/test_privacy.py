import pytest

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
    assert rules("身份证110101199003074515。") == []
    assert rules("旧证330106800101123号") == [("privacy:id15", "330106800101123")]


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


def test_it_flags_personal_email_addresses():
    assert rules("邮箱zhang.san@qq.com。") == [("privacy:email", "zhang.san@qq.com")]


def test_it_masks_each_kind_of_number():
    text = "身份证110101199003074514，手机13812341234，卡号6222021234567890128，邮箱ab@qq.com"
    masked = mask_text(text, find_privacy(text))
    assert "11*************514" in masked
    assert "138****1234" in masked
    assert "***************0128" in masked
    assert "a***@qq.com" in masked
