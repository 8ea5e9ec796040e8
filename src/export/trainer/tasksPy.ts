/** tasks.py: each task's tokenization (QA windows, NER alignment) and compute_metrics with the studio's metric names. Python source kept as text (String.raw: backslashes stay as written). */
export const TASKS_PY = String.raw`"""
Each task's data as the studio prepares it: tokenization (QA windows with stride and offsets, NER label alignment),
and compute_metrics with the studio's metric names (seqeval for NER, SQuAD for QA).
"""
import collections
import json
import os
import re
import string
from types import SimpleNamespace

import numpy as np
import torch
from transformers import AutoTokenizer, DataCollatorForTokenClassification, DataCollatorWithPadding, default_data_collator


def read_jsonl(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows or None


class Features(torch.utils.data.Dataset):
    """Tokenized rows: a dict of equal-length lists, one model input or label per key."""

    def __init__(self, columns):
        self.columns = columns

    def __len__(self):
        return len(next(iter(self.columns.values())))

    def __getitem__(self, i):
        return {k: v[i] for k, v in self.columns.items()}


def prepare(cfg, model_id, here):
    task, labels, max_length = cfg["task"], cfg["labels"], cfg["max_length"]
    tok = AutoTokenizer.from_pretrained(model_id, add_prefix_space=True) if task == "ner" else AutoTokenizer.from_pretrained(model_id)
    rows = {s: read_jsonl(os.path.join(here, "data", f"{s}.jsonl")) for s in ("train", "validation", "test")}
    label_id = {l: i for i, l in enumerate(labels)}
    encode = {"classification": encode_classification, "pair": encode_classification, "multilabel": encode_multilabel, "ner": encode_ner, "qa": encode_qa}[task]
    splits = {s: encode(tok, r, label_id, cfg) if r else None for s, r in rows.items()}
    metrics = {s: metrics_for(task, labels, rows[s], splits[s]) if rows[s] else None for s in rows}
    if task == "qa":
        collator = default_data_collator  # windows are padded to max_length, as run_qa.py does
    elif task == "ner":
        collator = DataCollatorForTokenClassification(tok)
    else:
        collator = DataCollatorWithPadding(tok)
    train = splits["train"]
    train_labels = torch.tensor(train.columns["labels"]) if "labels" in train.columns and task != "ner" else None
    if task == "ner":  # ragged rows: the studio counts every labelled token
        train_labels = torch.tensor([l for row in train.columns["labels"] for l in row])
    return SimpleNamespace(train=train, validation=splits["validation"], test=splits["test"], collator=collator, compute_metrics=metrics, train_labels=train_labels)


def encode_classification(tok, rows, label_id, cfg):
    pairs = [r.get("text_pair") for r in rows]
    enc = tok([r["text"] for r in rows], pairs if any(p is not None for p in pairs) else None, truncation="longest_first", max_length=cfg["max_length"])
    return Features({**enc, "labels": [label_id[r["label"]] for r in rows]})


def encode_multilabel(tok, rows, label_id, cfg):
    enc = tok([r["text"] for r in rows], truncation=True, max_length=cfg["max_length"])
    hot = [[1.0 if l in r["labels"] else 0.0 for l in label_id] for r in rows]
    return Features({**enc, "labels": hot})


def encode_ner(tok, rows, label_id, cfg):
    """run_ner.py's tokenize_and_align_labels: a word's tag on its first sub-token, -100 on the others."""
    enc = tok([r["tokens"] for r in rows], is_split_into_words=True, truncation=True, max_length=cfg["max_length"])
    labels = []
    for i, r in enumerate(rows):
        previous, row = None, []
        for w in enc.word_ids(i):
            row.append(-100 if w is None or w == previous else label_id[r["ner_tags"][w]])
            previous = w
        labels.append(row)
    return Features({**enc, "labels": labels})


def encode_qa(tok, rows, label_id, cfg):
    """run_qa.py's windows (stride, offsets); start/end are the first and last context token overlapping the answer."""
    enc = tok([r["question"].lstrip() for r in rows], [r["context"] for r in rows], truncation="only_second", max_length=cfg["max_length"], stride=cfg["stride"],
              return_overflowing_tokens=True, return_offsets_mapping=True, padding="max_length")
    example = enc.pop("overflow_to_sample_mapping")
    offsets, starts, ends = [], [], []
    for i, window in enumerate(enc.pop("offset_mapping")):
        seq = enc.sequence_ids(i)
        ctx = [o if seq[k] == 1 else None for k, o in enumerate(window)]
        offsets.append(ctx)
        cls = enc["input_ids"][i].index(tok.cls_token_id) if tok.cls_token_id in enc["input_ids"][i] else 0
        answers = rows[example[i]]["answers"]
        span = None
        if answers["text"] and answers["text"][0]:
            a, b = answers["answer_start"][0], answers["answer_start"][0] + len(answers["text"][0])
            inside = [k for k, o in enumerate(ctx) if o is not None]
            if inside and ctx[inside[0]][0] <= a and ctx[inside[-1]][1] >= b:
                hits = [k for k in inside if ctx[k][0] < b and ctx[k][1] > a]
                span = (hits[0], hits[-1]) if hits else None
        starts.append(span[0] if span else cls)
        ends.append(span[1] if span else cls)
    features = Features({**enc, "start_positions": starts, "end_positions": ends})
    features.example, features.offsets = example, offsets
    return features


def metrics_for(task, labels, rows, features):
    if task in ("classification", "pair"):
        return classification_metrics
    if task == "multilabel":
        return multilabel_metrics
    if task == "ner":
        return lambda p: ner_metrics(p, labels, rows)
    return lambda p: qa_metrics(p, rows, features)


def classification_metrics(p):
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    y, pred = p.label_ids, p.predictions.argmax(-1)
    out = {"accuracy": accuracy_score(y, pred)}
    for avg in ("macro", "micro", "weighted"):
        out[f"f1_{avg}"] = f1_score(y, pred, average=avg, zero_division=0)
    out["precision_macro"] = precision_score(y, pred, average="macro", zero_division=0)
    out["recall_macro"] = recall_score(y, pred, average="macro", zero_division=0)
    return out


def multilabel_metrics(p):
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss, roc_auc_score

    y, scores = p.label_ids.astype(int), 1 / (1 + np.exp(-p.predictions))
    pred = (scores >= 0.5).astype(int)
    out = {f"f1_{avg}": f1_score(y, pred, average=avg, zero_division=0) for avg in ("micro", "macro", "weighted", "samples")}
    out.update(subset_accuracy=accuracy_score(y, pred), hamming_loss=hamming_loss(y, pred))
    defined = [k for k in range(y.shape[1]) if 0 < y[:, k].sum() < len(y)]  # ROC-AUC needs both classes
    if defined:
        out["roc_auc_macro"] = float(np.mean([roc_auc_score(y[:, k], scores[:, k]) for k in defined]))
    return out


def ner_metrics(p, labels, rows):
    """seqeval over every word: words cut off by truncation are predicted O, as in the studio."""
    from seqeval.metrics import accuracy_score, f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    gold, pred = [], []
    for r, logits, ids in zip(rows, p.predictions, p.label_ids):
        tags = [labels[int(np.argmax(x))] for x, i in zip(logits, ids) if i != -100]
        gold.append(r["ner_tags"])
        pred.append((tags + ["O"] * len(r["ner_tags"]))[: len(r["ner_tags"])])
    return {"f1": f1_score(gold, pred), "precision": precision_score(gold, pred), "recall": recall_score(gold, pred),
            "accuracy": accuracy_score(gold, pred), "f1_strict": f1_score(gold, pred, mode="strict", scheme=IOB2)}


def best_answer(windows, context, n_best=20, max_answer_len=30):
    """utils_qa.py's postprocess_qa_predictions for SQuAD v1: n-best start x end pairs over all windows."""
    candidates = []
    for start_logits, end_logits, offsets in windows:
        top = lambda x: np.argsort(-np.asarray(x), kind="stable")[:n_best]
        for s in top(start_logits):
            for e in top(end_logits):
                if offsets[s] is None or offsets[e] is None or e < s or e - s + 1 > max_answer_len:
                    continue
                candidates.append((float(start_logits[s] + end_logits[e]), offsets[s][0], offsets[e][1]))
    candidates.sort(key=lambda c: -c[0])  # stable: ties keep window and rank order
    return context[candidates[0][1]:candidates[0][2]] if candidates else ""


def normalize_answer(s):
    s = "".join(ch for ch in s.lower() if ch not in set(string.punctuation))
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", s).split())


def squad_f1(prediction, truth):
    p, t = normalize_answer(prediction).split(), normalize_answer(truth).split()
    same = sum((collections.Counter(p) & collections.Counter(t)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(t)
    return 2 * precision * recall / (precision + recall)


def qa_metrics(p, rows, features):
    start, end = p.predictions
    windows = collections.defaultdict(list)
    for i, ex in enumerate(features.example):
        windows[ex].append((start[i], end[i], features.offsets[i]))
    em = f1 = 0.0
    for i, r in enumerate(rows):
        answer, truths = best_answer(windows[i], r["context"]), r["answers"]["text"] or [""]
        em += max(float(normalize_answer(answer) == normalize_answer(t)) for t in truths)
        f1 += max(squad_f1(answer, t) for t in truths)
    return {"exact_match": 100 * em / len(rows), "f1": 100 * f1 / len(rows)}
`;
