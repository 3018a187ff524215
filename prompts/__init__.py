"""Prompt template files (`<name>.toml`) shipped with extractor; loaded by `extractor.prompts`."""
