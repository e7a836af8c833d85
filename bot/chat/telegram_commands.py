"""Telegram chat commands: python-telegram-bot handlers that translate to bot.core.commands.

Typed commands (`/subscribe naval-drills`, `/subscribe@botname ...`) and inline-button
presses both become a command line for `execute`; the reply goes back as plain text with an
inline keyboard whose callback_data is a short token (Telegram allows 64 bytes). Changing
commands first ask getChatMember whether the user is an administrator, unless the user is on
the `telegram.admins` allow-list or the chat is private.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any, TypeAlias

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.commands import ActionTokens, Env, Request, changes, execute, notice, visible
from bot.core.commands.render import telegram_text
from bot.models import Reply

log = logging.getLogger(__name__)

ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

TelegramApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TelegramCommands:
    """The handlers' state: the command environment, the allow-list, button tokens."""

    def __init__(
        self, env: Env, admins: Collection[str | int] = (), clock: Clock = _utcnow
    ) -> None:
        self.env = env
        self.clock = clock
        self.admins = {str(a) for a in admins}
        self.tokens = ActionTokens(prefix="nw")

    def install(self, app: TelegramApp) -> None:
        names = [c.name for c in visible()] + ["start"]
        new = filters.UpdateType.MESSAGE  # an edited command is not run a second time
        app.add_handler(CommandHandler(names, self.on_command, filters=new))
        # Other /commands: answered in private chats, or in groups when addressed to us.
        app.add_handler(MessageHandler(filters.COMMAND & new, self.on_unknown))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_error_handler(self.on_error)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        reply = await self.run(message.text, update, context)
        await message.reply_text(
            telegram_text(reply), reply_markup=self.keyboard(reply), link_preview_options=NO_PREVIEW
        )

    async def on_unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or not message.text or chat is None:
            return
        head = message.text.split(maxsplit=1)[0]
        addressed = (
            "@" in head and head.split("@", 1)[1].lower() == (context.bot.username or "").lower()
        )
        if chat.type == ChatType.PRIVATE or addressed:
            await self.on_command(update, context)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None:
            return
        await query.answer()
        action = self.tokens.get(query.data or "")
        if action is None:
            request = await self.request(update, context, True)
            reply = notice("expired", request, self.env)
            beside = not request.may_change  # only who could act on it may replace it
        else:
            reply = await self.run(action, update, context)
            beside = not reply.ok and changes(action)
        if beside:
            # a refusal (or a stranger's expired press) must not replace the admin's
            # message; answer beside it
            await context.bot.send_message(query.message.chat.id, telegram_text(reply))
            return
        try:
            await context.bot.edit_message_text(
                telegram_text(reply),
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
                reply_markup=self.keyboard(reply),
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:  # pressed twice: "message is not modified"
            if "not modified" not in str(exc):
                raise

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram handler failed", exc_info=context.error)

    async def run(self, line: str, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Reply:
        request = await self.request(update, context, changes(line))
        return await execute(line, request, self.env)

    async def request(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, check_admin: bool
    ) -> Request:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        private = chat.type == ChatType.PRIVATE
        may_change = private or (check_admin and await self.is_admin(update, context))
        return Request(
            platform="telegram",
            destination=str(chat.id),
            user=str(user.id) if user else "",
            may_change=may_change,
            now=self.clock(),
            private=private,
            instance_admin=user is not None and str(user.id) in self.admins,
        )

    async def is_admin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None:
            return False
        if str(user.id) in self.admins:
            return True
        if message is not None and message.sender_chat is not None:
            return message.sender_chat.id == chat.id  # an anonymous admin speaks as the group
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as exc:
            log.warning("getChatMember failed for chat %s: %s", chat.id, exc)
            return False
        return member.status in ADMIN_STATUSES

    def keyboard(self, reply: Reply) -> InlineKeyboardMarkup | None:
        if not reply.buttons:
            return None
        row = [
            InlineKeyboardButton(b.label, callback_data=self.tokens.put(b.action))
            for b in reply.buttons
        ]
        return InlineKeyboardMarkup([row])


async def publish(app: TelegramApp) -> None:
    """setMyCommands: the command menu, from the commands' docstrings. Call it after
    `app.initialize()` when the daemon starts the application itself."""
    commands = [BotCommand(c.name, (c.summary or c.usage)[:256]) for c in visible()]
    await app.bot.set_my_commands(commands)


def telegram_application(
    token: str,
    *,
    env: Env,
    base_url: str = "https://api.telegram.org/bot",
    admins: Collection[str | int] = (),
    publish_commands: bool = True,
    clock: Clock = _utcnow,
    polling: bool = True,
) -> TelegramApp:
    """The python-telegram-bot Application answering chat commands; the daemon runs it
    (initialize, start, updater.start_polling) in its own loop. With `polling=False` it has
    no updater: updates arrive through the webhook (bot.chat.telegram_webhook), which puts
    them in `app.update_queue`."""
    commands = TelegramCommands(env, admins, clock)

    async def post_init(app: TelegramApp) -> None:  # run by run_polling/run_webhook only
        if publish_commands:
            await publish(app)

    builder = ApplicationBuilder().token(token).base_url(base_url).post_init(post_init)
    if not polling:
        builder = builder.updater(None)
    app = builder.build()
    commands.install(app)
    return app
