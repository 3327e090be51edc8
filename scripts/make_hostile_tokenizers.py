#!/usr/bin/env python3
"""Writes the broken Unigram / SentencePiece files of tests/data/hostile/, the small seeds of
fuzz/corpus/unigram_json and fuzz/corpus/sentencepiece_model, and
tests/data/tokenizers2/llama2-model/tokenizer.model: a SentencePiece BPE model made from the
fixture's llama2/tokenizer.json (its pieces in id order, <unk> unknown, <s> </s> control,
<0xNN> byte pieces, every other piece scored -id; with those scores transformers'
SentencePieceExtractor gives exactly that file's 61,249 merges, checked here), byte fallback,
"▁" prepended and spaces kept as the real Llama-2 model has them. Standard library only; the
protobuf is written by hand (sentencepiece_model.proto: ModelProto.pieces = 1, trainer_spec = 2,
normalizer_spec = 3; SentencePiece.piece = 1, score = 2, type = 3; TrainerSpec.model_type = 3,
unk_id = 40, bos_id = 41, eos_id = 42, pad_id = 43; NormalizerSpec.name = 1,
precompiled_charsmap = 2, add_dummy_prefix = 3, remove_extra_whitespaces = 4).

Usage: scripts/make_hostile_tokenizers.py   (from anywhere; writes into the checkout)
"""
import base64
import json
import os
import random
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTILE = os.path.join(ROOT, "tests", "data", "hostile")
XLMR = os.path.join(ROOT, "tests", "data", "tokenizers2", "xlmr-unigram")


def varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, wire, payload):
    key = varint(number << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    if wire == 2:
        return key + varint(len(payload)) + payload
    if wire == 5:
        return key + payload
    raise ValueError(wire)


def piece(text, score, kind=1):
    body = field(1, 2, text.encode()) + field(2, 5, struct.pack("<f", score))
    if kind != 1:
        body += field(3, 0, kind)
    return field(1, 2, body)


def model(pieces, model_type=1, unk=0, bos=1, eos=2, pad=-1, normalizer=b"", byte_fallback=False):
    trainer = field(3, 0, model_type) + field(40, 0, unk) + field(41, 0, bos) + field(42, 0, eos) + field(43, 0, pad)
    if byte_fallback:
        trainer += field(35, 0, 1)
    spec = normalizer or (field(1, 2, b"identity") + field(3, 0, 1) + field(4, 0, 1))
    return b"".join(piece(*p) for p in pieces) + field(2, 2, trainer) + field(3, 2, spec)


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(folder, name), mode) as f:
        f.write(data)


def unigram(vocab, normalizer=None, unk_id=0):
    root = {"version": "1.0", "added_tokens": [], "normalizer": normalizer,
            "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
            "post_processor": None,
            "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
            "model": {"type": "Unigram", "unk_id": unk_id, "vocab": vocab, "byte_fallback": False}}
    return json.dumps(root, ensure_ascii=False, indent=1)


# A small Unigram vocabulary that tokenises English and Hangul.
SMALL = [["<unk>", 0.0], ["\u2581", -2.0], ["\u2581the", -3.0], ["e", -3.5], ["a", -3.6], ["t", -3.7], ["h", -3.8],
         ["\u2581a", -4.0], ["\u2581\ub098", -5.0], ["\ub294", -5.5], ["\ud559\uad50", -6.0], ["\u2581is", -4.5]]
SMALL_PIECES = [("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("</s>", 0.0, 3)] + [(t, s) for t, s in SMALL[1:]]


def main():
    with open(os.path.join(XLMR, "tokenizer.json"), encoding="utf-8") as f:
        xlmr = json.load(f)
    charsmap = xlmr["normalizer"]["normalizers"][0]["precompiled_charsmap"]
    raw = base64.b64decode(charsmap)

    # Unigram tokenizer.json files, each broken in one way.
    write(HOSTILE, "unigram-empty-vocab.json", unigram([]))
    write(HOSTILE, "unigram-duplicate-piece.json", unigram(SMALL + [["\u2581the", -7.0]]))
    write(HOSTILE, "unigram-score-not-number.json", unigram(SMALL[:3] + [["e", "-3.5"]] + SMALL[4:]))
    with open(os.path.join(HOSTILE, "unigram-score-not-number.json"), encoding="utf-8") as f:
        text = f.read()
    # JSON has no NaN or infinity; 1e999 is what a writer of either produces (the JSON reader
    # refuses it as an overflow; the Unigram parser would refuse an infinite score too).
    write(HOSTILE, "unigram-score-infinite.json", text.replace('"-3.5"', "-1e999"))
    precompiled = lambda data: {"type": "Sequence", "normalizers": [{"type": "Precompiled", "precompiled_charsmap": data}]}
    # The trie's size says 180 KB; half the map is there.
    write(HOSTILE, "charsmap-truncated.json", unigram(SMALL, precompiled(base64.b64encode(raw[: len(raw) // 2]).decode())))
    write(HOSTILE, "charsmap-not-base64.json", unigram(SMALL, precompiled("ALwCAACEAAAA*AACAAQAAgMz8AgC4BQAA")))
    write(HOSTILE, "charsmap-cut-digit.json", unigram(SMALL, precompiled(charsmap[:4097])))

    # SentencePiece .model files that are not one.
    write(HOSTILE, "empty.model", b"")
    write(HOSTILE, "random.model", random.Random(20).randbytes(4096))
    with open(os.path.join(XLMR, "sentencepiece.bpe.model"), "rb") as f:
        real = f.read()
    write(HOSTILE, "truncated.model", real[:100000])  # ends inside the character map
    write(HOSTILE, "json.model", json.dumps({"model": {"type": "Unigram"}}).encode())
    write(HOSTILE, "no-pieces.model", model([])[0:0] + field(2, 2, field(3, 0, 1)))

    # Seeds for the fuzz targets: small valid files.
    seeds = os.path.join(ROOT, "fuzz", "corpus")
    write(os.path.join(seeds, "unigram_json"), "small.json", unigram(SMALL))
    # A second seed with a real (small) character map section: the first 4 KB of the real map's
    # trie with a trie size that fits them.
    cut = bytearray(raw[:4 + 4096])
    cut[0:4] = struct.pack("<I", 4000)
    write(os.path.join(seeds, "unigram_json"), "precompiled.json",
          unigram(SMALL, precompiled(base64.b64encode(bytes(cut)).decode())))
    # The target's second form: the JSON, a 0xFF byte, then the raw character map.
    write(os.path.join(seeds, "unigram_json"), "raw-map.bin", unigram(SMALL).encode() + b"\xff" + bytes(cut))
    write(os.path.join(seeds, "sentencepiece_model"), "small-unigram.model", model(SMALL_PIECES))
    bpe = [("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("</s>", 0.0, 3), ("<0x41>", 0.0, 6), ("\u2581t", -1.0), ("he", -2.0),
           ("\u2581the", -3.0), ("\u2581", -4.0), ("t", -5.0), ("h", -6.0), ("e", -7.0), ("\ub098", -8.0)]
    write(os.path.join(seeds, "sentencepiece_model"), "small-bpe.model", model(bpe, model_type=2))

    write_llama2_model()


def extract_merges(pieces, scores):
    # transformers' SentencePieceExtractor.extract(vocab_scores)
    ids = {p: i for i, p in enumerate(pieces)}
    merges = []
    for i, text in enumerate(pieces):
        local = [(text[:k], text[k:], scores[i]) for k in range(1, len(text)) if text[:k] in ids and text[k:] in ids]
        local.sort(key=lambda m: (ids[m[0]], ids[m[1]]))
        merges.extend(local)
    merges.sort(key=lambda m: m[2], reverse=True)
    return [a + " " + b for a, b, _ in merges]


def write_llama2_model():
    with open(os.path.join(ROOT, "tests", "data", "tokenizers2", "llama2", "tokenizer.json"), encoding="utf-8") as f:
        llama = json.load(f)
    vocab = llama["model"]["vocab"]
    pieces = sorted(vocab, key=vocab.get)
    assert [vocab[p] for p in pieces] == list(range(len(pieces)))
    entries = []
    for i, text in enumerate(pieces):
        if i == 0:
            entries.append((text, 0.0, 2))
        elif i < 3:
            entries.append((text, 0.0, 3))
        elif len(text) == 6 and text.startswith("<0x") and text.endswith(">"):
            entries.append((text, 0.0, 6))
        else:
            entries.append((text, -float(i)))
    assert extract_merges(pieces, [e[1] for e in entries]) == llama["model"]["merges"]
    normalizer = field(1, 2, b"identity") + field(3, 0, 1) + field(4, 0, 0)
    write(os.path.join(ROOT, "tests", "data", "tokenizers2", "llama2-model"), "tokenizer.model",
          model(entries, model_type=2, normalizer=normalizer, byte_fallback=True))


if __name__ == "__main__":
    main()
