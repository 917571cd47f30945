"""Host side of the console hub: the framed protocol (frame.py), the link to
the board's serial line (link.py) and `questv console` / `questv repl`
(console.py). See docs/console.md."""
