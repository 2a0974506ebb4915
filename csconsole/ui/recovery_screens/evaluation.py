"""The evaluation dialog: two scores, visibly apart — how the associate executed, how the policy served.

An agent is never marked down for a policy's failure: the two scores sit in separate boxes, each with
its own question, and are stored and averaged apart.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain.rules import Agent
from csconsole.services import recovery
from csconsole.ui.refusal import refusal_box
from csconsole.ui.runner import Runner

SCORE_WORDS = {1: "1 poor", 2: "2", 3: "3 fair", 4: "4", 5: "5 excellent"}


class ScoreButtons(QWidget):
    """Five radio buttons, none chosen at first: a score is a deliberate choice."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for score, word in SCORE_WORDS.items():
            button = QRadioButton(word)
            button.setObjectName(f"{name}_{score}")
            self.group.addButton(button, score)
            layout.addWidget(button)

    def value(self) -> int | None:
        checked = self.group.checkedId()
        return None if checked < 0 else checked

    def set_value(self, score: int) -> None:
        button = self.group.button(score)
        if button is not None:
            button.setChecked(True)


class EvaluationDialog(QDialog):
    evaluated = Signal(object)  # the Change
    refused = Signal(str)

    def __init__(self, runner: Runner, identity: Agent | None, ticket_id: int, ticket_label: str,
                 associate: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluation_dialog")
        self.setWindowTitle(self.tr("Evaluate — {0}").format(ticket_label))
        self.runner, self.identity, self.ticket_id = runner, identity, ticket_id
        self.refusal: QMessageBox | None = None

        associate_box = QGroupBox(self.tr("The associate: {0}").format(associate or self.tr("no owner")))
        associate_box.setObjectName("associate_box")
        self.associate_score = ScoreButtons("associate_score")
        a_layout = QVBoxLayout(associate_box)
        a_layout.addWidget(QLabel(self.tr("How well did the associate execute?")))
        a_layout.addWidget(self.associate_score)

        policy_box = QGroupBox(self.tr("The policy"))
        policy_box.setObjectName("policy_box")
        self.policy = QComboBox(objectName="policy")
        self.policy.addItem(self.tr("— no policy involved —"), None)
        for item in recovery.policies(runner.store, active_only=True):
            self.policy.addItem(item.name, item.id)
        self.policy_score = ScoreButtons("policy_score")
        p_layout = QVBoxLayout(policy_box)
        p_layout.addWidget(self.policy)
        p_layout.addWidget(QLabel(self.tr("How well did this policy serve the customer?")))
        p_layout.addWidget(self.policy_score)
        self.policy.currentIndexChanged.connect(self._policy_changed)
        self._policy_changed()

        apart = QLabel(self.tr("The two scores are kept apart: an agent is never marked down for a "
                               "policy's failure."))
        apart.setWordWrap(True)
        self.comment = QPlainTextEdit(objectName="comment")
        self.comment.setPlaceholderText(self.tr("Comment"))
        self.comment.setMaximumHeight(80)
        self.comment.setTabChangesFocus(True)  # Tab moves on to Save, as in every other field
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setDefault(True)  # Enter saves; Cancel is a click or Esc
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)

        boxes = QHBoxLayout()
        boxes.addWidget(associate_box, 1)
        boxes.addWidget(policy_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addWidget(apart)
        layout.addWidget(self.comment)
        layout.addWidget(self.buttons)
        self.associate_score.group.buttons()[0].setFocus()  # the first choice to make, from the keyboard

    def _policy_changed(self) -> None:
        self.policy_score.setEnabled(self.policy.currentData() is not None)

    def submit(self) -> None:
        if self.identity is None:
            self._refuse(self.tr("Choose who you are (File > Who is at the console…) before evaluating."))
            return
        associate = self.associate_score.value()
        if associate is None:
            self._refuse(self.tr("Choose the associate's score, from 1 to 5."))
            return
        policy = self.policy.currentData()
        policy_score = self.policy_score.value() if policy is not None else None
        if policy is not None and policy_score is None:
            self._refuse(self.tr("Choose the policy's score, from 1 to 5."))
            return
        ticket, actor, comment = self.ticket_id, self.identity.id, self.comment.toPlainText()

        def job(store: Any) -> object:
            return recovery.evaluate(store, ticket, actor_id=actor, associate_score=associate,
                                     policy=policy, policy_score=policy_score, comment=comment)

        self.runner.commit(job, self._done, self._refuse)

    def _done(self, change: object) -> None:
        self.evaluated.emit(change)
        self.accept()

    def _refuse(self, message: str) -> None:
        self.refusal = refusal_box(self, self.tr("Not recorded"), message)
        self.refused.emit(message)
