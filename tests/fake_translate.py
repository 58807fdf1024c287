"""A local stand-in for Google Translate's batchexecute endpoint, for testing the real gTTS code offline.

Serves on 127.0.0.1 only, answers each POST from a script of behaviours
("audio", "429", "500", "no-audio", "slow"), records every request body,
and stops with the `with` block.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import lameenc
import numpy as np


def tone_mp3(seconds: float = 0.4, rate: int = 24000) -> bytes:
    """A short MPEG-2 Layer III tone at 24 kHz, like the audio the real service sends."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2").tobytes()
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    return bytes(encoder.encode(pcm) + encoder.flush())


class FakeTranslate:
    def __init__(self, script: list[str] | None = None, delay: float = 0.0):
        self.script, self.delay, self.bodies = list(script or []), delay, []
        self.audio = base64.b64encode(tone_mp3()).decode()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/_/TranslateWebserverUi/data/batchexecute"

    def texts(self) -> list[str]:
        """The text of each request (from the f.req payload)."""
        out = []
        for body in self.bodies:
            payload = json.loads(urllib.parse.parse_qs(body)["f.req"][0])
            out.append(json.loads(payload[0][0][1])[0])
        return out

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                fake.bodies.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
                behaviour = fake.script.pop(0) if fake.script else "audio"
                if behaviour == "slow":
                    time.sleep(fake.delay)
                if behaviour in ("429", "500"):
                    self.send_response(int(behaviour))
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.end_headers()
                line = '[["wrb.fr","jQ1olc",null,null,null,[3],"generic"]]' if behaviour == "no-audio" else \
                    f'[["wrb.fr","jQ1olc","[\\"{fake.audio}\\"]",null,null,null,"generic"]]'
                self.wfile.write(f")]}}'\n\n{len(line)}\n{line}\n".encode())

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
