"""Demo content for the conversation app: all of it is data, in demo_content.toml.

The story index, example stories, community groups and crowdfunding projects
are found by slug, name (and place) and created only when missing.
"""

from home import demo_loader


def load(step):
    demo_loader.load(__file__, step)
