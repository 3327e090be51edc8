#!/usr/bin/env python3
"""Render the chat templates in tests/data/chat/*.jinja with transformers itself.

Writes one JSON (argument 1, default chat_reference.json) that tests/core/tst_chattemplate.cpp
compares with Tessera's own renderer byte for byte. Every case renders through a
PreTrainedTokenizerFast's apply_chat_template(tokenize=False), the way users call it; where
that path is missing it falls back to transformers.utils.chat_template_utils.
Needs transformers and tokenizers; no network, no model download.
"""
import json
import os
import sys

try:
    import transformers
except ImportError:  # the mirror below renders with jinja2 alone
    transformers = None

HERE = os.path.dirname(os.path.abspath(__file__))
CHAT = os.path.join(HERE, "..", "..", "tests", "data", "chat")

SPECIAL = {
    "llama3": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "llama3_1": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "qwen2_5": {"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>"},
    "qwen3": {"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>"},
    "gemma3": {"bos_token": "<bos>", "eos_token": "<eos>"},
    "mistral": {"bos_token": "<s>", "eos_token": "</s>"},
    "smollm2": {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"},
    "features": {"bos_token": "<s>", "eos_token": "</s>"},
}

CONVERSATIONS = {
    "system_user": [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "Hello! How are you?"},
    ],
    "user_only": [{"role": "user", "content": "What is 2+2?"}],
    "multi_turn": [
        {"role": "user", "content": "Name a prime number."},
        {"role": "assistant", "content": "7"},
        {"role": "user", "content": "  And an even one?  \n"},
    ],
    "system_multi_turn": [
        {"role": "system", "content": "  Answer in one word.\n"},
        {"role": "user", "content": "Colour of the sky?"},
        {"role": "assistant", "content": "Blue."},
        {"role": "user", "content": "And grass?"},
        {"role": "assistant", "content": "Green."},
    ],
    "korean": [
        {"role": "system", "content": "당신은 친절한 도우미입니다."},
        {"role": "user", "content": "안녕하세요? 트랜스포머의 어텐션을 설명해 주세요."},
        {"role": "assistant", "content": "어텐션은 각 토큰이 다른 토큰을 얼마나 볼지 정하는 가중치입니다.\n"},
        {"role": "user", "content": "고마워요! 예를 들어 주세요?"},
    ],
    "thinking": [
        {"role": "user", "content": "Is 9 prime?"},
        {"role": "assistant", "content": "<think>\n9 = 3 * 3.\n</think>\n\nNo."},
        {"role": "user", "content": "Is 11?"},
        {"role": "assistant", "content": "<think>\nNo divisor up to 3.\n</think>\n\nYes, 11 is prime."},
    ],
    "tool_turn": [
        {"role": "user", "content": "Weather in Seoul?"},
        {"role": "assistant", "content": "Let me check."},
        {"role": "tool", "content": "{\"temp\": 21}"},
        {"role": "tool", "content": "sunny"},
        {"role": "user", "content": "Thanks"},
    ],
    "bad_order": [
        {"role": "user", "content": "one"},
        {"role": "user", "content": "two"},
    ],
}

# Short templates for the corners of the language: whitespace control, Python semantics of
# values and operators, scoping. Each renders with the system_user conversation. The last
# ones are malformed or outside the subset and must fail (the C++ test checks that its
# error has a line and column; the message differs from Jinja's own).
SNIPPETS = [
    "  {% if true %}\n  yes\n  {% endif %}\n",
    "a {%- if true -%} b {%- endif -%} c",
    "line1\n    {{ 'x' }}\n  {# comment #}\nline3",
    "{%+ if true %}  kept{% endif +%}\nnext",
    "{% for x in [1,2,3] %}\n{{ x }}\n{% endfor %}\n",
    "{{ messages|tojson }}|{{ messages[0] }}",
    "{{ 'it\\'s' }} {{ [\"it's\"] }} {{ ['a\"b'] }} {{ ['tab\\there'] }}",
    "{{ 0.1 + 0.2 }} {{ 10 / 4 }} {{ 2 ** 10 }} {{ 1 / 3 }} {{ 100000000000000000.0 }} {{ 0.00001 }} {{ 1.5 * 2 }}",
    "{% set x = 'a' %}{% if true %}{% set x = 'b' %}{% endif %}{{ x }}",
    "{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}",
    "{{ 'abc'[::-1] }} {{ 'héllo'[1:3] }} {{ [1,2,3,4][1:-1] }} {{ [1,2,3][5:] }} {{ [1,2,3,4,5][::2] }} {{ [1,2,3,4,5][-2::-2] }}",
    "{{ '  a  b  '.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a b c'.split(' ', 1) }} {{ ' x y '.split(none, 1) }}",
    "{{ {'b': 1, 'a': 2}|items|list }} {{ {'a': 1}.get('z', 'dft') }} {{ {'a': 1}.keys()|list }}",
    "{{ [1, 'a', none] | join('-') }} {{ ('a', 'b')|join }}",
    "{% for a, b in [[1, 2], [3, 4]] %}{{ a }}{{ b }}{% endfor %}",
    "{{ 'x' ~ 1 ~ 2.0 ~ true }}",
    "{% if messages[0].content is string and messages[0]['role'] in ['user', 'system'] %}ok{% endif %}",
    "{{ 'Hello World'.startswith(('Hi', 'Hello')) }} {{ 'Hello'.endswith('lo') }}",
    "{{ -3 // 2 }} {{ -3 % 2 }} {{ 3.5 // 2 }} {{ -3.5 % 2 }} {{ 7 % -3 }}",
    "{{ [3,1,2]|first }} {{ 'abc'|last }} [{{ []|first }}]",
    "  {{- ' a ' -}}  \n  {{ 'b' }}\n",
    "{% if true %}\r\nx\r\n{% endif %}\r\n",
    "{{ bos_token + messages[0]['content'] + eos_token }}",
    "x\n\n",
    "{# c #}\n  {%- for m in messages %}{{ m.role }}{% endfor -%}\n\n end",
    "{{ 'a' if false }}|{{ none is not none }}|{{ not none }}|{{ 1 if 0 else 2 if 0 else 3 }}",
    "{{ 'abc' in ['abc'] }} {{ 'b' in {'b': 1} }} {{ 'z' not in 'abc' }}",
    "{{ 5 is divisibleby 5 }} {{ 7 is odd }} {{ 'ABC' is upper }} {{ x|default('d') }} {{ none|default('d') }} {{ none|default('d', true) }}",
    "text {% if true %}inline{% endif %} end\n   {% set a = 1 %}after",
    "{{ messages|tojson(indent=2) }}",
    "{{ \"{{ not a tag }}\" }} {{ {'a': {'b': 1}}['a']['b'] }}",
    "{% for i in range(2) %}{% for j in range(2) %}{{ loop.index }}{{ i }}{% endfor %}{{ loop.revindex }}{% endfor %}",
    "{{ loop is defined }} {{ messages[5] is defined }} {{ messages[0].nope is defined }}",
    "{{ (1, 2) }} {{ ('a',) }} {{ (1, 2)|list }} {{ ((1, 'x'),) }} {{ {'k': 'v'}|items|first }}",
    "{% set ns = namespace(items=[]) %}{% for m in messages %}{% set ns.items = ns.items + [m.role] %}{% endfor %}{{ ns.items }}",
    "{{ {'a': [1, {'b': none}], 'c': \"d'e\"} }} {{ {'x': 1.0}|tojson }}",
    "{% for m in messages %}{{ loop.previtem is defined }}{{ loop.nextitem.role if loop.nextitem is defined }}{% endfor %}",
    "{% for x in [] %}a{% else %}empty{% endfor %} {% for x in [1, 2, 3] if x > 1 %}{{ loop.index }}:{{ x }}/{{ loop.length }} {% endfor %}",
    "{{ ['b', 'a', 'c']|select('ne', 'a')|list }} {{ messages|selectattr('role', 'equalto', 'user')|list|length }} {{ messages|map(attribute='role')|join(',') }}",
    "{{ '  x\n'|trim }}|{{ 'xxhixx'.strip('x') }}|{{ '\n\nhi'.lstrip('\n') }}|{{ 'A-b c'|title }}|{{ 'hELLO'|capitalize }}",
    "{{ '한국어 텍스트'|length }} {{ '한국어'[1] }} {{ '한국어'|upper }} {{ '한국어' ~ '!' }}",
    "{{ '국한국어국'.strip('국') }} {{ '**x**'.strip('*') }} {{ '  한 '|trim }}",
    "{% if x %}never",
    "{% foo %}",
    "line one\nline two {{ x|wordwrap }}",
    "{{ 'unclosed }}",
    "{{ x ",
    "{% endif %}",
    "{% for x in y %}{% endif %}",
    "{{ }}",
    "{{ nothing.attr }}",
    "{{ 1 + 'a' }}",
    "{{ 'abc'.split('') }}",
    "{# never closed",
]

# Extra template variables for a few cases, as transformers passes **kwargs through.
EXTRA = {("qwen3", "thinking_off"): {"enable_thinking": False}}


def mirror_environment():
    """jinja2 set up the way transformers.utils.chat_template_utils._compile_jinja_template
    does (4.4x-5.x): immutable sandbox, trim_blocks, lstrip_blocks, loopcontrols, its own
    tojson (no HTML escaping, ensure_ascii=False), raise_exception and strftime_now. Used
    only where transformers itself cannot be imported; the JSON says which one rendered."""
    import jinja2
    from datetime import datetime
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def make_tokenizer(special):
    from tokenizers import Tokenizer, models

    vocab = {"[UNK]": 0}
    for token in special.values():
        vocab.setdefault(token, len(vocab))
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    return transformers.PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", **special)


def render(tokenizer, special, template, messages, agp, extra):
    if transformers is None:
        compiled = mirror_environment().from_string(template)
        return compiled.render(messages=messages, add_generation_prompt=agp, tools=None, **special, **extra)
    if tokenizer is not None:
        return tokenizer.apply_chat_template(
            messages, chat_template=template, tokenize=False, add_generation_prompt=agp, **extra
        )
    from transformers.utils.chat_template_utils import render_jinja_template

    rendered, _ = render_jinja_template(
        conversations=[messages], chat_template=template, add_generation_prompt=agp, **special, **extra
    )
    return rendered[0]


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "chat_reference.json"
    import jinja2

    cases = []
    paths = []
    for name in SPECIAL:
        with open(os.path.join(CHAT, name + ".jinja"), encoding="utf-8") as f:
            template = f.read()
        special = SPECIAL[name]
        try:
            tokenizer = make_tokenizer(special) if transformers else None
            path = "apply_chat_template" if transformers else "jinja2 mirror of transformers' environment"
        except Exception as e:  # noqa: BLE001 - recorded, then the fallback renders
            print("tokenizer for", name, "failed:", repr(e))
            tokenizer, path = None, "render_jinja_template"
        paths.append(path)
        conversations = list(CONVERSATIONS.items())
        if name == "qwen3":
            conversations.append(("thinking_off", CONVERSATIONS["user_only"]))
        for conv_name, messages in conversations:
            extra = EXTRA.get((name, conv_name), {})
            for agp in (False, True):
                case = {
                    "template": name,
                    "conversation": conv_name,
                    "messages": messages,
                    "add_generation_prompt": agp,
                    "variables": extra,
                    "special_tokens": special,
                }
                try:
                    case["output"] = render(tokenizer, special, template, messages, agp, extra)
                except Exception as e:  # noqa: BLE001 - an error is an expected result too
                    case["error"] = str(e)
                    case["error_type"] = type(e).__name__
                cases.append(case)
    env_special = SPECIAL["features"]
    for index, snippet in enumerate(SNIPPETS):
        messages = CONVERSATIONS["system_user"]
        case = {"snippet": index, "source": snippet, "messages": messages, "add_generation_prompt": True,
                "variables": {}, "special_tokens": env_special}
        try:
            tokenizer = make_tokenizer(env_special) if transformers else None
            case["output"] = render(tokenizer, env_special, snippet, messages, True, {})
        except Exception as e:  # noqa: BLE001 - the last snippets must fail
            case["error"] = str(e)
            case["error_type"] = type(e).__name__
        cases.append(case)
    result = {
        "transformers": transformers.__version__ if transformers else None,
        "jinja2": jinja2.__version__,
        "rendered_with": sorted(set(paths)),
        "cases": cases,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    print(len(cases), "cases;", sum("error" in c for c in cases), "errors ->", out_path)


if __name__ == "__main__":
    main()
