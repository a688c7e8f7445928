#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz_dialog_steps: whole conversations (filing
in English and in Chinese, editing, a shared location, switching language, a
stored state with a full list) in the byte layout the target decodes. Without
them libFuzzer needs many minutes to stumble on a complete filing.

Run it again after changing the decoder in fuzz_dialog_steps.cpp, the button
data list there, or the categories and locales of config/demo:
    tests/fuzz/make_dialog_seeds.py
"""
import json
import pathlib

here = pathlib.Path(__file__).resolve().parent
root = here.parent.parent
out = here / "seeds" / "fuzz_dialog_steps"

demo = json.loads((root / "config/demo/demo.json").read_text())
flow = json.loads((root / "config/demo" / demo["dialog"]["flow"]).read_text())
locales = [json.loads((root / "config/demo" / p).read_text())["code"] for p in demo["dialog"]["locales"]]
steps = ["start", "menu", "category", "location", "description", "photos", "confirm", "edit_field", "track",
         "language", "add_info"]

# button_data() in fuzz_dialog_steps.cpp, in the same order; "#n" stands for tracking(n).
button_data = ["menu", "cancel", "back", "help", "lang", "m:file", "m:track", "m:draft",
               "ok", "edit", "p:done", "p:clear", "c:", "e:", "t:", "l:",
               "", "m:", "c:gone_category", "l:fr", "l:ZH-cn", "t:0000-0000",
               "a:", "r:", "r::5", "r:0000-0000:3"]
button_data += ["c:" + c["id"] for c in flow["categories"]]
button_data += ["e:" + s for s in steps]
button_data += ["l:" + code for code in locales]
for n in (1, 2, 3, 4, 100, 101):
    button_data += [f"t:#{n}", f"a:#{n}", f"r:#{n}:", f"r:#{n}:5y", f"r:#{n}:1n"]
assert len(button_data) <= 200  # one index byte

EN, ZH = 1, 3  # indexes into the event languages: "en", "zh-hans"
F = 0x40  # event flags: cross-check the answer's buttons (typed label == press)


def raw(text, limit):
    data = text.encode()
    assert len(data) <= limit
    return [len(data)] + list(data)


def text(t, lang=EN):
    return [0, F, lang, 1] + raw(t, 120)


def press(name, lang=EN):
    """A button press on one of button_data, with a callback id."""
    return [4, F, lang, 0, button_data.index(name), 0]


def press_raw(data, lang=EN):
    return [4, F, lang, 1] + raw(data, 70) + [0]


def photos(n, lang=EN):
    return [7, F, lang, n] + [0] * n + [0]


def location(lang=EN):
    # geo from the table (51.5072, -33.8688), then a venue name as raw text
    return [9, F, lang, 0, 0, 1, 0, 2, 1, 1] + raw("City Hall, Main Street 1", 120)


def fresh(variant=0):
    return [variant, 0]


def stored(step, *, draft=True, photos=0, own=0, variant=0, events=7):
    bits = 4 if draft else 0
    return [variant, 1, steps.index(step) - 1, bits, 0, photos, own, events] if draft else \
        [variant, 1, steps.index(step) - 1, bits, 0, own, events]


description_en = "The street light outside No. 12 has been off for a week."
description_zh = "人民路十二号门口的路灯已经坏了一个星期，晚上非常危险。"

seeds = {
    "file_en": fresh() + text("/start") + press("m:file") + press("c:roads") + text("Main Street 12")
    + text(description_en) + photos(2) + press("p:done") + press("ok") + press("m:track") + text("/start"),
    "file_zh_typed": fresh() + text("/start", ZH) + text("1", ZH) + text("2", ZH) + text("人民路12号", ZH)
    + text(description_zh, ZH) + press("p:done", ZH) + text("1", ZH) + text("2", ZH),
    "edit_before_send": fresh() + text("hi") + press("m:file") + press("c:water") + text("Park Lane")
    + text(description_en) + press("p:done") + press("edit") + press("e:description")
    + text("Water is leaking from a pipe under the pavement, since Monday.") + press("edit")
    + press("e:photos") + photos(6) + press("ok"),
    "location_back_cancel": fresh() + text("/start") + press("m:file") + press("c:lighting") + location()
    + photos(1) + text(description_en) + press("back") + press("back") + text("/cancel") + press("m:draft"),
    "language_switch": fresh() + text("/start") + press("lang") + press("l:zh-CN") + text("/help", ZH)
    + text("/language", ZH) + text("English") + press_raw("l:xx") + text("/lang") + press("back"),
    "stored_full_list": stored("confirm", own=20) + press("ok") + press("m:track") + text("4")
    + press("r:#1:") + press("r:#1:5y") + press("a:#3") + text("More: the hole is now 50 cm wide.") + press("t:#2"),
    "photo_first_caption": fresh() + text("/start") + press("m:file") + press("c:other") + photos(1)
    + [7, F, EN, 1, 0, 1, 1] + raw("Next to the bus stop on Elm Road", 120) + text(description_en)
    + [0, F, EN, 3, 0, 8] + press("p:clear") + press("p:done"),
}

out.mkdir(parents=True, exist_ok=True)
for name, data in seeds.items():
    (out / name).write_bytes(bytes(data))
print(f"wrote {len(seeds)} seeds to {out.relative_to(root)}")
