"""The use cases: replay the store, keep the live projection, import city exports, compare verdicts."""
