"""Narrated audio: narration script, speech engines, cache, mastering, MP3 chapters with tags and transcripts."""
