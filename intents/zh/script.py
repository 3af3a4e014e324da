"""Traditional-script folding, one character for one so positions stay aligned."""
from __future__ import annotations

_PAIRS = (
    "國国 參参 週周 禮礼 拜拜 點点 後后 個个 鐘钟 號号 節节 兩两 這这 時时 慶庆 婦妇 兒儿 來来 過过 們们 開开 會会 "
    "議议 請请 間间 從从 與与 歲岁 曆历 晝昼 夠够 約约 論论 討讨 預预 審审 論论 組组 內内 週周 "
    "裡里 裏里 曬晒 刪删 搜搜 尋寻 找找 邀邀 給给 為为 麼么 沒没 嗎吗 辦办 說说 處处 點点 鐘钟 "
    "現现 當当 號号 夜夜 晚晚 誕诞 聖圣 勞劳 動动 親亲 陽阳 燈灯 團团 圓圆 漢汉 曆历 農农 "
    "區区 倫伦 敦敦 約约 東东 紐纽 華华 盛盛 頓顿 時时 間间 巴巴 黎黎 臺台 灣湾 溫温 哥哥 "
    "假假 換换 調调 遲迟 延延 挪挪 提提 前前 取取 消消 掉掉 幫帮 助助 說说 明明 用用 問问 "
    "題题 會会 議议 室室 樓楼 層层 號号 間间 聯联 繫系 戶户 權权 限限 編编 輯辑 讀读 閱阅 "
    "忙忙 閒闲 空空 見见 談谈 聊聊 評评 審审 進进 度度 週周 報报 總总 結结 計计 劃划 項项 "
    "務务 隊队 體体 員员 全全 所所 有有 家家 步步 同同 機机 手手 歷历 訂订 學学 級级 萬万 "
    "億亿 塊块 錢钱 價价 數数 碼码 電电 話话 發发 啟启 動动 後后 兩两 俩俩 隔隔 每每 頭头 "
    "錄录 單单 專专 門门 實实 際际 驗验 試试 產产 營营 運运 銷销 售售 財财 務务 預预 算算"
)
_MAP = {}
for pair in _PAIRS.split():
    if len(pair) == 2 and pair[0] != pair[1]:
        _MAP[ord(pair[0])] = pair[1]


_TRADITIONAL = frozenset(map(chr, _MAP))


def has_traditional(chars: set[str]) -> bool:
    """Whether a text with these characters has any that fold changes (most have none)."""
    return not _TRADITIONAL.isdisjoint(chars)


def fold(text: str) -> str:
    """Traditional characters that matter to the rules, mapped to Simplified (same length)."""
    return text.translate(_MAP)
