"""/recall: the recalls in progress with each place's answer, their reports, and a new recall;
and a place's answer to a recall notice."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.callbacks import RecallAnswerCb, RecallMenuCb
from bot.refusals import explain
from bot.safety.new_recall import start_recall
from bot.safety.recall_report import file_name, to_csv, to_pdf, to_xlsx
from bot.safety.recall_text import answer_label, recall_refusal, recall_summary, view_what
from bot.telegram.edits import edit_markup, visible
from logistics.clock import Clock
from logistics.errors import AlreadyDone, DomainError, NotFound
from logistics.people.identity import Identity
from logistics.safety.recall_views import recall_view, recalls_in_progress
from logistics.safety.recalls import answer_notice, may_recall


def _new_button() -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📣 New recall"), callback_data=RecallMenuCb(action="new"))
    return builder


async def recalls(
    message: Message,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    """The recalls in progress, each with its report button, then "New recall"; with none in
    progress, a new recall straight away."""
    if not may_recall(identity):
        await message.answer(recall_refusal())
        return
    listed = await recalls_in_progress(session, identity, now=clock.now())
    if not listed:
        await start_recall(message, state, identity, session)
        return
    for view in listed:
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("📄 Report (Excel, CSV)"),
            callback_data=RecallMenuCb(action="report", recall_id=view.id),
        )
        await message.answer(recall_summary(view), reply_markup=builder.as_markup())
    await message.answer(
        _("Recalls in progress: {count}.").format(count=len(listed)),
        reply_markup=_new_button().as_markup(),
    )


async def menu(
    query: CallbackQuery,
    callback_data: RecallMenuCb,
    state: FSMContext,
    identity: Identity | None,
    session: AsyncSession,
    i18n: I18n,
) -> None:
    if not may_recall(identity):
        await query.answer(recall_refusal(), show_alert=True)
        return
    if callback_data.action == "new":
        await query.answer()
        await start_recall(query.message, state, identity, session)
        return
    try:
        if callback_data.action != "report":
            raise NotFound("action")
        view = await recall_view(session, callback_data.recall_id, identity)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(_("The report of recall #{id} follows.").format(id=view.id))
    lc = cards.locale()
    caption = view_what(view)
    await query.message.answer_document(
        BufferedInputFile(to_xlsx(view, i18n, lc), filename=file_name(view, i18n, lc, "xlsx")),
        caption=caption,
    )
    await query.message.answer_document(
        BufferedInputFile(to_csv(view, i18n, lc), filename=file_name(view, i18n, lc, "csv")),
        caption=_("CSV for Excel (separated by “;”)"),
    )
    paper = await asyncio.to_thread(
        to_pdf,
        view,
        i18n,
        lc,
        title=_("Recall #{id}").format(id=view.id),
        lines=visible(caption).removeprefix("📣 ").splitlines(),  # no emoji in the PDF's font
        page_label=_("page {n} / {total}"),
    )
    await query.message.answer_document(
        BufferedInputFile(paper, filename=file_name(view, i18n, lc, "pdf")),
        caption=_("To print, or to hand to an inspector."),
    )


async def answered(
    query: CallbackQuery,
    callback_data: RecallAnswerCb,
    identity: Identity | None,
    session: AsyncSession,
    clock: Clock,
) -> None:
    try:
        notice = await answer_notice(
            session,
            notice_id=callback_data.notice_id,
            answer=callback_data.answer,
            identity=identity,
            now=clock.now(),
        )
    except AlreadyDone:
        await query.answer(_("This recall notice was already answered."), show_alert=True)
        return
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(
        _("Thank you: your answer is recorded ({answer}).").format(
            answer=answer_label(notice.answer)
        ),
        show_alert=True,
    )
    await edit_markup(query.message, None)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(recalls, F.chat.type == "private", Command("recall"))
    router.callback_query.register(menu, RecallMenuCb.filter())
    router.callback_query.register(answered, RecallAnswerCb.filter())
    return router
