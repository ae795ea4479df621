"""Typed answers: how the answer reader reads the hand-written sets; writes results/answers.json.

Per set (held-out, development), overall, per language and per question: accuracy, how often
the user is asked to confirm, the rate of wrong values and of non-answers taken as answers,
with every wrong reading listed; 5-fold cross-validation of each question's model on its
training phrasings (optimistic: phrasings built from one phrase land in several folds); the
time to train the models, to load them from the cache, to read one answer, and to read a
256 KB message.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.playbook import Playbook, load_playbook  # noqa: E402
from knowledge.understanding import AnswerReader, read_message  # noqa: E402
from knowledge.understanding.model import QuestionModel, fit_texts  # noqa: E402
from knowledge.understanding.phrasings import phrasings  # noqa: E402
from tests.answer_metrics import answers, development_sets, scores  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "answers.json"


def cross_validation(playbook: Playbook, fact: str) -> float:
    from sklearn.model_selection import StratifiedKFold

    examples = phrasings(playbook, fact)
    texts = [text for text, _ in examples]
    labels = [label for _, label in examples]
    right = 0
    for train, test in StratifiedKFold(5, shuffle=True, random_state=42).split(texts, labels):
        model = QuestionModel.compiled(
            fact, *fit_texts([texts[i] for i in train], [labels[i] for i in train])
        )
        for i in test:
            scores = model.scores(texts[i])
            right += max(scores, key=scores.__getitem__) == labels[i]
    return round(right / len(texts), 4)


def main() -> None:
    playbook = load_playbook()
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        AnswerReader(playbook, Path(cache)).warm()
        training_s = round(time.perf_counter() - started, 2)
        AnswerReader.forget()
        started = time.perf_counter()
        reader = AnswerReader(playbook, Path(cache))
        reader.warm()
        loading_s = round(time.perf_counter() - started, 2)
    long_message = ("the pod on another node cannot reach the elb, " * 6000)[: 256 * 1024]
    started = time.perf_counter()
    read_message(long_message, reader, "client_location")
    long_ms = round((time.perf_counter() - started) * 1000, 1)
    results: dict[str, object] = {
        "training_s": training_s,
        "loading_from_cache_s": loading_s,
        "read_256kb_message_ms": long_ms,
        "cross_validation_5_folds_accuracy": {
            fact: cross_validation(playbook, fact) for fact in reader.questions
        },
    }
    for name in ("answers_heldout.yaml", *development_sets()):
        data = answers(name)
        timings = []
        for answer in data:
            began = time.perf_counter()
            reader.read_answer(answer["text"], answer["asked"])
            timings.append((time.perf_counter() - began) * 1000)
        results[name.removesuffix(".yaml")] = {
            **scores(reader, data),
            "read_ms_p50": round(statistics.median(timings), 2),
        }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in results.items()}, ensure_ascii=False)[:2000])


if __name__ == "__main__":
    main()
