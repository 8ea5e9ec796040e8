/** same_order.py: `train.py --same-order`, the studio's features, batch order and initial weights replayed in the Trainer. Python source kept as text (String.raw: backslashes stay as written). */
export const SAME_ORDER_PY = String.raw`"""
Reproduction mode (python train.py --same-order): the studio's own tokenized training features, in its batch order,
from its initial head weights, so that with dropout 0 the per-step loss, learning rate and gradient norm equal the
studio's history.jsonl to float32 tolerance. No tokenizer is needed; evaluation is left to the normal mode.
"""
import json
import math
import os

import torch
from safetensors.torch import load_file
from transformers import TrainerCallback

HERE = os.path.dirname(os.path.abspath(__file__))


class StudioOrder:
    """The studio's batches (data/order.json): each pass over it yields the next epoch, rows cut to the batch's length."""

    def __init__(self, features, order, label_kind):
        self.features, self.epochs, self.label_kind, self.epoch = features, order["epochs"], label_kind, 0

    def __len__(self):
        return len(self.epochs[0])

    def __iter__(self):
        batches, self.epoch = self.epochs[min(self.epoch, len(self.epochs) - 1)], self.epoch + 1
        for batch in batches:
            yield self.batch(torch.tensor(batch["rows"]), batch["length"])

    def batch(self, rows, T):
        f = self.features
        out = {k: f[k][rows, :T].long() for k in ("input_ids", "attention_mask", "token_type_ids") if k in f}
        if self.label_kind == "span":
            out.update(start_positions=f["start_positions"][rows].long(), end_positions=f["end_positions"][rows].long())
        elif self.label_kind == "token":
            out["labels"] = f["labels"][rows, :T].long()
        elif self.label_kind == "multi":
            out["labels"] = f["labels"][rows].float()
        else:
            out["labels"] = f["labels"][rows].long()
        return out


class StepLog(TrainerCallback):
    """Per optimizer step: the mean micro-batch loss, the lr it used and the gradient norm before clipping."""

    def __init__(self):
        self.steps, self.loss, self.lr, self.grad_norm = [], 0.0, None, None

    def on_step_begin(self, args, state, control, lr_scheduler=None, **kwargs):
        self.lr = max(lr_scheduler.get_last_lr())  # the scheduler steps after the optimizer: this step's lr

    def on_step_end(self, args, state, control, **kwargs):
        self.steps.append({"step": state.global_step, "loss": self.loss, "lr": self.lr, "grad_norm": self.grad_norm})
        self.loss, self.grad_norm = 0.0, None

    def on_log(self, args, state, control, logs=None, **kwargs):
        # Newer Trainers clip through accelerate, not the model's hook, and log the norm themselves.
        if logs and "grad_norm" in logs and self.steps and self.steps[-1]["grad_norm"] is None:
            self.steps[-1]["grad_norm"] = float(logs["grad_norm"])


def run(cfg, model, args, train):
    """train.py's Trainer subclass, loss weights, freezing and arguments, applied to the studio's batches."""
    data = os.path.join(HERE, "data")
    features = load_file(os.path.join(data, "features.safetensors"))
    with open(os.path.join(data, "order.json")) as f:
        order = json.load(f)
    initial = load_file(os.path.join(data, "initial_weights.safetensors"))
    unknown = sorted(set(initial) - set(model.state_dict()))
    if unknown:
        raise SystemExit(f"initial_weights.safetensors names parameters this model does not have: {unknown}")
    model.load_state_dict(initial, strict=False)
    c, script = cfg["config"], cfg["script"]
    if script["lora"]:
        raise SystemExit("--same-order does not replay LoRA runs yet (the adapters' initial values are not written)")
    if any(rate != 0 for rate in c["dropout"].values()):
        print("warning: the run's dropout is not 0 everywhere: losses will differ from the studio's by the dropout masks")
    train.freeze(model, script["freeze"])
    log = StepLog()
    # transformers 4.27 clips through this model hook when there is one: it records the norm before clipping.
    def clip_grad_norm_(max_norm):
        log.grad_norm = float(torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.grad is not None], max_norm))
    model.clip_grad_norm_ = clip_grad_norm_
    training_args = dict(cfg["training_arguments"])
    # One process, float32, no evaluation: only the training trajectory is compared. max_grad_norm inf still
    # calls the hook (and clips nothing) when the run did not clip.
    training_args.update(fp16=False, evaluation_strategy="no", save_strategy="no", load_best_model_at_end=False,
                         max_grad_norm=training_args["max_grad_norm"] or math.inf, logging_steps=c["loggingSteps"])

    class ReplayTrainer(train.StudioTrainer):
        def get_train_dataloader(self):
            return StudioOrder(features, order, script["label_kind"])

        def training_step(self, model, inputs, *rest, **kwargs):
            loss = super().training_step(model, inputs, *rest, **kwargs)
            log.loss += float(loss)  # already divided by gradient_accumulation_steps, as the studio averages
            return loss

    labels = features.get("labels")
    trainer = ReplayTrainer(model=model, args=train.trainer_arguments(args.output_dir, training_args), callbacks=[log],
                            loss_weights=train.loss_weights(cfg, labels) if labels is not None else None,
                            multi_label=cfg["task"] == "multilabel", lr_decay=script["layerwise_lr_decay"])
    trainer.train()
    trainer.save_model()
    trainer.save_state()
    with open(os.path.join(args.output_dir, "same_order_history.jsonl"), "w") as f:
        f.writelines(json.dumps(s) + "\n" for s in log.steps)
    if args.compare:
        compare(log.steps, args.compare)


def compare(ours, history_path):
    """Studio step events (the mean loss since the previous event, the lr and norm of the step) against ours."""
    with open(history_path) as f:
        events = [e for e in map(json.loads, f) if e.get("type") == "step" and not e.get("skipped")]
    by_step, previous, worst = {s["step"]: s for s in ours}, 0, {"loss": 0.0, "lr": 0.0, "grad_norm": 0.0}
    relative = dict(worst)
    for e in events:
        window = [by_step[k]["loss"] for k in range(previous + 1, e["step"] + 1) if k in by_step]
        if e["step"] not in by_step:
            break
        mine = {"loss": sum(window) / len(window), "lr": by_step[e["step"]]["lr"], "grad_norm": by_step[e["step"]]["grad_norm"]}
        theirs = {"loss": e["loss"], "lr": e["lr"], "grad_norm": e["gradNorm"]}
        for k in worst:
            diff = abs(mine[k] - theirs[k])
            worst[k] = max(worst[k], diff)
            relative[k] = max(relative[k], diff / max(abs(theirs[k]), 1e-12))
        previous = e["step"]
    print(f"compared {len(events)} studio step events with {len(ours)} Trainer steps")
    for k in worst:
        print(f"max |diff| {k}: {worst[k]:.3e} (relative {relative[k]:.3e})")
`;
