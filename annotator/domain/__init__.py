"""Pure rules: text and offsets, anchoring, the verdict scale, agreement and statistics. No Flask, no database."""
