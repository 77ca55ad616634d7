"""The browser's blueprints, one module per URL area, with their forms and presenters."""
