/** train.py: model, freezing, LoRA, TrainingArguments and the Trainer (with class weights and LLRD), then train, save, evaluate. Python source kept as text (String.raw: backslashes stay as written). */
export const TRAIN_PY = String.raw`"""
The studio's run as a transformers Trainer project: same data, model and hyperparameters (training_config.json).

  python train.py                                   one GPU, or the CPU
  accelerate launch train.py                        every GPU of the machine (DDP), no code change
  torchrun --nproc_per_node N train.py              the same with torchrun
  python train.py --same-order --compare ../history.jsonl
                                                    replay the studio's own run step by step (see README.md)
"""
import argparse
import inspect
import json
import os
import re
import sys

import torch
import torch.nn.functional as F
import transformers
from transformers import EarlyStoppingCallback, Trainer, TrainingArguments
from transformers.pytorch_utils import ALL_LAYERNORM_LAYERS
from transformers.trainer_pt_utils import get_parameter_names

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--output_dir", default="output", help="checkpoints, the final model and trainer_state.json")
    p.add_argument("--model", help="base model id or folder (default: the one in training_config.json)")
    p.add_argument("--same-order", action="store_true", help="the studio's features, batch order and initial head weights")
    p.add_argument("--compare", help="with --same-order: the studio's history.jsonl, to print the largest differences")
    p.add_argument("--local_rank", type=int, default=-1, help=argparse.SUPPRESS)  # torch.distributed.launch passes it
    return p.parse_args()


def trainer_arguments(output_dir, values):
    """TrainingArguments from training_config.json; transformers 4.41 renamed evaluation_strategy to eval_strategy."""
    values = dict(values)
    if "evaluation_strategy" in values and "evaluation_strategy" not in inspect.signature(TrainingArguments).parameters:
        values["eval_strategy"] = values.pop("evaluation_strategy")
    return TrainingArguments(output_dir=output_dir, **values)


def depth_of(name, num_layers):
    """The studio's depth of a parameter: embeddings 0, encoder layer i is i + 1, the head (pooler too) L + 1."""
    layer = re.search(r"\.layer\.(\d+)\.", name)
    if layer:
        return int(layer.group(1)) + 1
    if re.search(r"(^|\.)embeddings(\.|_project)", name):
        return 0
    return num_layers + 1


def dropout_overrides(model_type, dropout):
    """TrainConfig.dropout (null = the model's own rate) as config.json keys of this architecture."""
    if model_type == "distilbert":
        keys = {"hidden": ["dropout"], "attention": ["attention_dropout"], "classifier": ["seq_classif_dropout", "qa_dropout"]}
    else:
        keys = {"hidden": ["hidden_dropout_prob"], "attention": ["attention_probs_dropout_prob"], "classifier": ["classifier_dropout"]}
    return {key: rate for part, rate in dropout.items() if rate is not None for key in keys[part]}


def load_model(cfg, model_id):
    script = cfg["script"]
    config = transformers.AutoConfig.from_pretrained(model_id, **script["model_config"])
    for key, value in dropout_overrides(config.model_type, cfg["config"]["dropout"]).items():
        setattr(config, key, value)
    # A head of another size (a checkpoint fine-tuned on other labels) is re-initialised, as the studio does.
    return getattr(transformers, script["auto_class"]).from_pretrained(model_id, config=config, ignore_mismatched_sizes=True)


def freeze(model, rule):
    """TrainConfig.freeze by requires_grad: embeddings, the first "layers" encoder layers, or the whole encoder."""
    L = model.config.num_hidden_layers
    for name, param in model.named_parameters():
        depth = depth_of(name, L)
        if (rule["encoder"] and depth <= L) or (rule["embeddings"] and depth == 0) or 1 <= depth <= rule["layers"]:
            param.requires_grad_(False)


def add_lora(model, lora):
    """PEFT adapters with the studio's rank / alpha / targets; the head trains whole (modules_to_save)."""
    from peft import LoraConfig, get_peft_model

    L = model.config.num_hidden_layers
    prefix = model.base_model_prefix + "."
    head = {n[len(prefix):] if n.startswith(prefix) else n for n, _ in model.named_parameters() if depth_of(n, L) == L + 1}
    modules = sorted({n.split(".")[0] for n in head} - (set() if lora["train_pooler"] else {"pooler"}))
    config = LoraConfig(r=lora["r"], lora_alpha=lora["lora_alpha"], lora_dropout=lora["lora_dropout"], target_modules=lora["target_modules"], modules_to_save=modules)
    return get_peft_model(model, config)


class StudioTrainer(Trainer):
    """The Trainer, plus what it has no option for: class weights / pos_weight and layer-wise LR decay."""

    def __init__(self, *args, loss_weights=None, multi_label=False, lr_decay=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_weights, self.multi_label, self.lr_decay = loss_weights, multi_label, lr_decay

    def create_optimizer(self):
        if self.lr_decay == 1:
            return super().create_optimizer()
        # The Trainer's own no-decay rule (LayerNorm weights and biases), one group per (lr scale, decay).
        decay = {n for n in get_parameter_names(self.model, ALL_LAYERNORM_LAYERS) if "bias" not in n}
        L = self.model.config.num_hidden_layers
        groups = {}
        for name, param in self.model.named_parameters():
            if param.requires_grad:
                key = (self.lr_decay ** (L + 1 - depth_of(name, L)), self.args.weight_decay if name in decay else 0.0)
                groups.setdefault(key, []).append(param)
        params = [{"params": p, "lr": self.args.learning_rate * scale, "weight_decay": wd} for (scale, wd), p in groups.items()]
        optimizer_cls, kwargs = Trainer.get_optimizer_cls_and_kwargs(self.args)
        self.optimizer = optimizer_cls(params, **kwargs)
        return self.optimizer

    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        if self.loss_weights is None:
            return super().compute_loss(model, inputs, return_outputs, **kwargs)
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits, weights = outputs.logits, self.loss_weights.to(outputs.logits.device)
        if self.multi_label:
            loss = F.binary_cross_entropy_with_logits(logits, labels.float(), pos_weight=weights)
        else:
            flat, targets = logits.view(-1, logits.shape[-1]), labels.view(-1)
            loss = F.cross_entropy(flat, targets, weight=weights)
            eps = self.args.label_smoothing_factor
            if eps > 0:  # the Trainer's LabelSmoother term, which ignores class weights
                smooth = -F.log_softmax(flat[targets != -100], dim=-1).mean()
                loss = (1 - eps) * loss + eps * smooth
        return (loss, outputs) if return_outputs else loss


def loss_weights(cfg, train_labels):
    """Class weights / pos_weight as the studio computes them from the training features' labels."""
    script, C = cfg["script"], len(cfg["labels"])
    for key, rule in (("class_weights", "balanced"), ("pos_weight", "auto")):
        value = script[key]
        if value is None:
            continue
        if value != rule:
            return torch.tensor(value, dtype=torch.float32)
        if key == "pos_weight":  # negatives / positives per label, at most 10; 1 for a label never positive
            positives, rows = train_labels.sum(0), train_labels.shape[0]
            return torch.where(positives > 0, ((rows - positives) / positives.clamp(min=1)).clamp(max=10), torch.ones(C))
        counts = torch.bincount(train_labels[train_labels >= 0].flatten(), minlength=C).float()  # sklearn's "balanced"
        return torch.where(counts > 0, counts.sum() / (C * counts.clamp(min=1)), torch.ones(C))
    return None


def main():
    args = parse_args()
    with open(os.path.join(HERE, "training_config.json")) as f:
        cfg = json.load(f)
    script = cfg["script"]
    transformers.set_seed(cfg["config"]["seed"])  # before the model: its new head is drawn from it
    model = load_model(cfg, args.model or cfg["model"])
    if args.same_order:
        import same_order

        return same_order.run(cfg, model, args, sys.modules[__name__])
    import tasks

    data = tasks.prepare(cfg, args.model or cfg["model"], HERE)
    freeze(model, script["freeze"])
    if script["lora"]:
        model = add_lora(model, script["lora"])
    training_args = dict(cfg["training_arguments"])
    training_args["fp16"] = training_args["fp16"] and torch.cuda.is_available()
    stopping = script["early_stopping"]
    if data.validation is None:  # no rows to evaluate on: as in the studio, the last weights are kept
        training_args.update(evaluation_strategy="no", load_best_model_at_end=False)
        stopping = None
    trainer = StudioTrainer(
        model=model,
        args=trainer_arguments(args.output_dir, training_args),
        train_dataset=data.train,
        eval_dataset=data.validation,
        data_collator=data.collator,
        compute_metrics=data.compute_metrics["validation"],
        callbacks=[EarlyStoppingCallback(stopping["patience"], stopping["threshold"])] if stopping else [],
        loss_weights=loss_weights(cfg, data.train_labels),
        multi_label=cfg["task"] == "multilabel",
        lr_decay=script["layerwise_lr_decay"],
    )
    trainer.train()
    trainer.save_model()
    trainer.save_state()
    for name, split in (("validation", data.validation), ("test", data.test)):
        if split is not None:
            trainer.compute_metrics = data.compute_metrics[name]  # QA decodes each split's own windows
            trainer.log_metrics(name, trainer.evaluate(split, metric_key_prefix=name))


if __name__ == "__main__":
    main()
`;
