"""Notifications (issue 16, part 4): a report told to a person, on demand.

`message.py` turns a report (a runner.Report or a `--json` document) into a Message;
`formats.py` writes it for each channel (generic webhook, WeCom and DingTalk robots,
email); `secrets.py` keeps webhook keys, tokens and secrets out of everything printed;
`deliver.py` sends it (a timeout per attempt, retries with backoff, one clear error);
`command.py` is `gotriage notify`.  docs/notify.md describes the formats.

Sending is an action the user asked for, never a check: nothing here runs during
`check`, and the host is only written to through the network or a local sendmail.
"""

# the channels, by the name --kind takes (here so that the command line's parser can
# name them without importing the senders)
KINDS = ("webhook", "wecom", "dingtalk", "email")
