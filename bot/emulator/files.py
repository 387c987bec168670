"""The methods that send a file: sendDocument and sendPhoto, by upload, by attach:// name, by a
file_id the bot got back or by URL; the uploads recorded and the file ids they are given.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.emulator.messages import Messages
from bot.emulator.records import Refusal, Upload
from bot.emulator.rules import _IMAGE_MAGIC, _markup, _png_size


class Files(Messages):
    """Documents and photos, with or without caption."""

    def _send_document(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return self._send_file(params, files, "document")

    def _send_photo(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return self._send_file(params, files, "photo")

    def _send_file(self, params: dict[str, Any], files: dict[str, Upload], kind: str) -> dict:
        inline = _markup(params)
        caption, entities = self._caption(params)
        chat = self._chat_for(params)
        upload, meta = self._file(params, files, kind)
        content: dict[str, Any] = {}
        if kind == "photo":
            width, height = _png_size(upload.data) if upload else (0, 0)
            content["photo"] = [{**meta, "width": width, "height": height}]
        else:
            content["document"] = meta
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        if inline is not None:
            content["reply_markup"] = copy.deepcopy(inline)
        message = self._bot_message(chat, content, params)
        self._remember_keyboard(chat["id"], params)
        if upload is not None:
            upload.chat_id = chat["id"]
            upload.message_id = message["message_id"]
            self.uploads.append(upload)
        return message

    def _file(
        self, params: dict[str, Any], files: dict[str, Upload], kind: str
    ) -> tuple[Upload | None, dict[str, Any]]:
        value = params.get(kind)
        upload = files.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.pop(value.removeprefix("attach://"), None)
            if upload is None:
                raise Refusal(f'Bad Request: file "{value}" not found')
            upload.field = kind
            files[kind] = upload
        if upload is None:
            if not value:
                raise Refusal(f'Bad Request: parameter "{kind}" is required')
            value = str(value)
            if value in self._files:
                return None, dict(self._files[value])
            if value.startswith(("http://", "https://")):
                return None, self._register_file(kind, None, None, 0)
            raise Refusal("Bad Request: wrong file identifier/HTTP URL specified")
        if not upload.data:
            raise Refusal("Bad Request: file must be non-empty")
        if kind == "photo" and not upload.data.startswith(_IMAGE_MAGIC):
            raise Refusal("Bad Request: IMAGE_PROCESS_FAILED")
        meta = self._register_file(kind, upload.filename, upload.content_type, upload.size)
        upload.file_id = meta["file_id"]
        return upload, meta

    def _register_file(
        self, kind: str, filename: str | None, content_type: str | None, size: int
    ) -> dict[str, Any]:
        number = next(self._file_ids)
        meta: dict[str, Any] = {
            "file_id": f"{'AgAC' if kind == 'photo' else 'BQAC'}{number:06d}",
            "file_unique_id": f"AQAD{number:06d}",
        }
        if size:
            meta["file_size"] = size
        if kind == "document":
            if filename:
                meta["file_name"] = filename
            if content_type:
                meta["mime_type"] = content_type
        self._files[meta["file_id"]] = meta
        return dict(meta)
