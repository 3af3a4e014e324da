"""Feishu card JSON 2.0 as data, and the check Feishu runs on a card at IM send / reply / patch
and on a card-callback answer: known tags and properties per component (an unknown property is
an error, not ignored), 1.0-only elements refused, required fields, enum values, the 30 KB limit.

Sources (read 2026-12): Feishu's "卡片 JSON 2.0 结构" and component pages as kept in larksuite's
CLI skill reference (`skills/lark-im/references/card/card-2.0-schema.md` and
`components/{button,column_set,div,header,markdown,…}.md`), and the 230099 sub-codes listed on
the IM "reply message" page: 200621 (parse card json err, ErrorValue names the problem),
200861 (a schema-1 capability in a schema-2 card, ErrPath `ROOT -> body -> elements -> [i](tag: x)`).
Components whose pages were not in the reference keep the properties their Feishu pages list
(common ones only); extend a set below when a card needs more.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

CARD_BUILD_FAILED = 230099        # IM: "Failed to create card content" (sub-code in msg)
TOO_LONG = 230025                 # IM: content over 30 KB
PARSE_ERR = 200621                # sub-code: the card JSON is not a valid 2.0 card
V1_ONLY = 200861                  # sub-code: schema-1 capability in a schema-2 card
MAX_CARD_BYTES = 30 * 1024

COMMON = frozenset({"tag", "element_id", "margin"})
TEXT_SIZES = frozenset({"heading-0", "heading-1", "heading-2", "heading-3", "heading-4", "heading",
                        "normal", "notation", "xxxx-large", "xxx-large", "xx-large", "x-large", "large",
                        "medium", "small", "x-small"})
ALIGN = frozenset({"left", "center", "right"})
TEMPLATES = frozenset({"blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine", "violet",
                       "purple", "indigo", "grey", "default"})
BUTTON_TYPES = frozenset({"default", "primary", "danger", "text", "primary_text", "danger_text",
                          "primary_filled", "danger_filled", "laser"})
FLEX_MODES = frozenset({"none", "stretch", "flow", "bisect", "trisect"})
# 1.0 elements and root keys that a schema 2.0 card no longer accepts (release notes, 200861).
V1_TAGS = frozenset({"action", "note"})
V1_ROOT_KEYS = frozenset({"elements", "i18n_elements", "fallback"})


@dataclass(frozen=True)
class Component:
    props: frozenset[str]
    required: tuple[str, ...] = ()
    enums: dict[str, frozenset[str]] = field(default_factory=dict)
    children: tuple[str, ...] = ()          # properties holding child elements
    child_tags: frozenset[str] | None = None  # only these tags as children (column_set → column)


def _c(props: str, required: str = "", enums: dict | None = None, children: str = "",
       child_tags: str | None = None) -> Component:
    return Component(frozenset(props.split()) | COMMON, tuple(required.split()), enums or {},
                     tuple(children.split()), frozenset(child_tags.split()) if child_tags else None)


_SPACING = "horizontal_spacing vertical_spacing horizontal_align vertical_align padding direction"
_SELECT = "type name required disabled placeholder width options initial_option initial_index value confirm " \
          "behaviors"
COMPONENTS: dict[str, Component] = {
    # containers
    "column_set": _c("columns flex_mode horizontal_spacing horizontal_align background_style action", "columns",
                     {"flex_mode": FLEX_MODES}, "columns", "column"),
    "column": _c(f"elements width weight background_style action {_SPACING}", children="elements",
                 enums={"vertical_align": frozenset({"top", "center", "bottom"})}),
    "collapsible_panel": _c(f"expanded header border background_style elements {_SPACING}", "header",
                            children="elements"),
    "form": _c(f"name elements {_SPACING}", "name", children="elements"),
    "interactive_container": _c(f"elements width height background_style has_border border_color corner_radius "
                                f"behaviors hover_tips disabled disabled_tips confirm {_SPACING}", "behaviors",
                                children="elements"),
    # display
    "div": _c("text fields icon width"),
    "markdown": _c("content text_size text_align icon", "content",
                   {"text_size": TEXT_SIZES, "text_align": ALIGN}),
    "img": _c("img_key alt title transparent preview corner_radius scale_type size", "img_key"),
    "img_combination": _c("combination_mode img_list corner_radius combination_transparent", "img_list"),
    "person": _c("user_id size show_avatar show_name style", "user_id"),
    "person_list": _c("persons size show_avatar show_name lines drop_invalid_user_id icon", "persons"),
    "chart": _c("chart_spec aspect_ratio color_theme preview height", "chart_spec"),
    "table": _c("columns rows page_size row_height header_style freeze_first_column row_max_height", "columns"),
    "hr": _c(""),
    # interactive
    "button": _c("text type size width icon hover_tips disabled disabled_tips confirm behaviors name "
                 "form_action_type", "text", {"type": BUTTON_TYPES}),
    "input": _c("name required disabled placeholder default_value width max_length input_type show_icon rows "
                "auto_resize max_rows label label_position value confirm fallback behaviors", "name"),
    "overflow": _c("width options value confirm behaviors", "options"),
    "select_static": _c(_SELECT, "options"),
    "multi_select_static": _c(_SELECT + " selected_values", "options"),
    "select_person": _c(_SELECT),
    "multi_select_person": _c(_SELECT + " selected_values"),
    "date_picker": _c("name required disabled placeholder width initial_date value confirm behaviors"),
    "picker_time": _c("name required disabled placeholder width initial_time value confirm behaviors"),
    "picker_datetime": _c("name required disabled placeholder width initial_datetime value confirm behaviors"),
    "select_img": _c("type name required disabled layout options value confirm behaviors", "options"),
    "checker": _c("name checked text overall_checkable button_area checked_style margin padding hover_tips "
                  "disabled disabled_tips confirm behaviors", "text"),
}
ROOT = frozenset({"schema", "config", "card_link", "header", "body"})
CONFIG = frozenset({"streaming_mode", "streaming_config", "summary", "locales", "enable_forward", "update_multi",
                    "width_mode", "use_custom_translation", "enable_forward_interaction", "style"})
WIDTH_MODES = frozenset({"compact", "fill"})
BODY = frozenset({"elements", "direction", "padding", "horizontal_spacing", "vertical_spacing",
                  "horizontal_align", "vertical_align"})
HEADER = frozenset({"title", "subtitle", "text_tag_list", "i18n_text_tag_list", "template", "icon", "padding"})
TEXT = frozenset({"tag", "content", "i18n_content", "text_size", "text_color", "text_align", "lines"})
TEXT_TAGS = frozenset({"plain_text", "lark_md"})
BEHAVIOR = {"callback": frozenset({"type", "value"}),
            "open_url": frozenset({"type", "default_url", "pc_url", "ios_url", "android_url"}),
            "form_action": frozenset({"type", "behavior"})}
TEXT_PROPS = ("text", "title", "subtitle", "hover_tips", "disabled_tips", "placeholder")


class CardInvalid(Exception):
    """Why Feishu would refuse the card: its sub-code, the path (ErrPath) and the reason."""

    def __init__(self, sub_code: int, path: str, reason: str, code: int = CARD_BUILD_FAILED):
        self.sub_code, self.path, self.reason, self.code = sub_code, path, reason, code
        super().__init__(self.message())

    def message(self) -> str:
        if self.code == TOO_LONG:
            return self.reason
        if self.sub_code == V1_ONLY:
            return (f"Failed to create card content, ext=ErrCode: {V1_ONLY}; ErrPath: {self.path}; ErrMsg: cards "
                    f"of schema V2 no longer support this capability; ErrorValue: {self.reason}")
        return (f"Failed to create card content, ext=ErrCode: {PARSE_ERR}; ErrPath: {self.path}; ErrMsg: parse "
                f"card json err, please check whether the card json is correct; ErrorValue: {self.reason}")


def validate_content(content: str) -> None:
    """An interactive message's `content` string: size first (230025), then the card itself.
    Cards that are not schema 2.0 (1.0 cards, template references) are not checked here."""
    size = len(content.encode("utf-8"))
    if size > MAX_CARD_BYTES:
        raise CardInvalid(0, "ROOT", f"content is too long: {size} bytes, a card may have at most "
                                     f"{MAX_CARD_BYTES}", code=TOO_LONG)
    try:
        card = json.loads(content)
    except ValueError as e:
        raise CardInvalid(PARSE_ERR, "ROOT", f"not JSON ({e})") from None
    if isinstance(card, dict) and card.get("schema") == "2.0":
        validate(card)


def validate(card: dict) -> None:
    """Raise CardInvalid for the first problem in a schema 2.0 card (dict)."""
    for key in card:
        if key in V1_ROOT_KEYS:
            raise CardInvalid(V1_ONLY, f"ROOT -> {key}", f"unsupported property {key} (use body.elements)")
        if key not in ROOT:
            raise CardInvalid(PARSE_ERR, f"ROOT -> {key}", f"unknown property {key}")
    config = _obj(card.get("config", {}), "ROOT -> config")
    _known(config, CONFIG, "ROOT -> config")
    if "update_multi" in config and config["update_multi"] is not True:
        raise CardInvalid(PARSE_ERR, "ROOT -> config -> update_multi",
                          "update_multi only supports true in a schema 2.0 card")
    if "width_mode" in config and config["width_mode"] not in WIDTH_MODES:
        raise CardInvalid(PARSE_ERR, "ROOT -> config -> width_mode", f"invalid value {config['width_mode']!r}")
    if "header" in card:
        _header(_obj(card["header"], "ROOT -> header"))
    body = _obj(card.get("body", {}), "ROOT -> body")
    _known(body, BODY, "ROOT -> body")
    _elements(body.get("elements", []), "ROOT -> body -> elements")


def _obj(v: object, path: str) -> dict:
    if not isinstance(v, dict):
        raise CardInvalid(PARSE_ERR, path, f"must be an object, got {type(v).__name__}")
    return v


def _known(obj: dict, allowed: frozenset[str], path: str) -> None:
    for key in obj:
        if key not in allowed:
            raise CardInvalid(PARSE_ERR, f"{path} -> {key}", f"unknown property {key}")


def _text(v: object, path: str, required: bool = True) -> None:
    t = _obj(v, path)
    _known(t, TEXT, path)
    if t.get("tag") not in TEXT_TAGS:
        raise CardInvalid(PARSE_ERR, f"{path} -> tag", f"text tag must be plain_text or lark_md, got {t.get('tag')!r}")
    content = t.get("content")
    if not isinstance(content, str) or (required and not content and not t.get("i18n_content")):
        raise CardInvalid(PARSE_ERR, f"{path} -> content", "content is required")


def _header(h: dict) -> None:
    _known(h, HEADER, "ROOT -> header")
    if "title" not in h:
        raise CardInvalid(PARSE_ERR, "ROOT -> header -> title", "title is required")
    _text(h["title"], "ROOT -> header -> title")
    if "subtitle" in h:
        _text(h["subtitle"], "ROOT -> header -> subtitle")
    if "template" in h and h["template"] not in TEMPLATES:
        raise CardInvalid(PARSE_ERR, "ROOT -> header -> template", f"invalid template {h['template']!r}")


def _elements(items: object, path: str, only: frozenset[str] | None = None) -> None:
    if not isinstance(items, list):
        raise CardInvalid(PARSE_ERR, path, "must be an array")
    for i, el in enumerate(items):
        tag = el.get("tag") if isinstance(el, dict) else None
        here = f"{path} -> [{i}](tag: {tag})"
        if not isinstance(el, dict):
            raise CardInvalid(PARSE_ERR, f"{path} -> [{i}]", "an element must be an object")
        if tag in V1_TAGS:
            raise CardInvalid(V1_ONLY, here, f"unsupported tag {tag}")
        spec = COMPONENTS.get(tag)
        if spec is None:
            raise CardInvalid(PARSE_ERR, here, f"unknown tag {tag!r}")
        if only is not None and tag not in only:
            raise CardInvalid(PARSE_ERR, here, f"only {', '.join(sorted(only))} may be placed here")
        _element(el, tag, spec, here)


def _element(el: dict, tag: str, spec: Component, path: str) -> None:
    _known(el, spec.props, path)
    for name in spec.required:
        if el.get(name) in (None, "", [], {}):
            raise CardInvalid(PARSE_ERR, f"{path} -> {name}", f"{name} is required for {tag}")
    for name, allowed in spec.enums.items():
        if name in el and el[name] not in allowed:
            raise CardInvalid(PARSE_ERR, f"{path} -> {name}", f"invalid value {el[name]!r} for {name}")
    for name in TEXT_PROPS:
        if name in el and tag not in ("collapsible_panel", "img", "input", "select_static", "multi_select_static",
                                      "select_person", "multi_select_person", "date_picker", "picker_time",
                                      "picker_datetime", "div", "checker"):
            _text(el[name], f"{path} -> {name}")
    if tag == "div" and "text" in el:
        _text(el["text"], f"{path} -> text")
    if "behaviors" in el:
        _behaviors(el["behaviors"], f"{path} -> behaviors")
    for name in spec.children:
        if name in el:
            _elements(el[name], f"{path} -> {name}", spec.child_tags)


def _behaviors(v: object, path: str) -> None:
    if not isinstance(v, list) or not v:
        raise CardInvalid(PARSE_ERR, path, "behaviors must be a non-empty array")
    for i, b in enumerate(v):
        here = f"{path} -> [{i}]"
        b = _obj(b, here)
        kind = b.get("type")
        if kind not in BEHAVIOR:
            raise CardInvalid(PARSE_ERR, f"{here} -> type", f"invalid behavior type {kind!r}")
        _known(b, BEHAVIOR[kind], here)
        if kind == "callback" and not (isinstance(b.get("value"), (dict, str)) and b["value"]):
            raise CardInvalid(PARSE_ERR, f"{here} -> value", "a callback behavior needs a value")
        if kind == "open_url" and not (isinstance(b.get("default_url"), str) and b["default_url"]):
            raise CardInvalid(PARSE_ERR, f"{here} -> default_url", "an open_url behavior needs default_url")
