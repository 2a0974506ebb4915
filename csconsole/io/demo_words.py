"""The demo floor's words: its queues and the pairs that ping-pong, people's names, what customers write
about, what agents note and reply, and how often each channel and priority comes in."""

from __future__ import annotations

QUEUES = ("Billing", "Technical", "Returns", "Sales", "Escalations", "Accounts", "Shipping", "Warranty",
          "Onboarding", "Retention", "Fraud", "General")
# Pairs that really bounce work between them on real floors.
PINGPONG_PAIRS = (("Billing", "Technical"), ("Returns", "Shipping"), ("Accounts", "Billing"),
                  ("Warranty", "Technical"))
FIRST = ("Ana", "Raj", "Mei", "Tom", "Sara", "Luis", "Ivy", "Omar", "Nina", "Ben", "Zoe", "Karl", "Lena", "Ali",
         "Eva", "Sam", "Yuki", "Joe", "Mia", "Noah", "Ola", "Paul", "Rita", "Theo", "Uma", "Vic", "Wes", "Xia",
         "Yara", "Hugo", "Ines", "Jack", "Kemi", "Leo", "Maya", "Nils", "Olga", "Pia", "Quinn", "Rosa")
LAST = ("Silva", "Patel", "Chen", "Novak", "Okafor", "Garcia", "Kim", "Haddad", "Berg", "Rossi", "Dubois",
        "Schmidt", "Nakamura", "Owusu", "Kowalski", "Fischer", "Moreau", "Jensen", "Costa", "Ivanova",
        "Murphy", "Singh", "Larsen", "Tanaka", "Alves", "Weber", "Santos", "Horvat", "Lind", "Ahmed")
SUBJECTS = {
    "Billing": ("Charged twice this month", "Refund not received", "Invoice shows wrong plan",
                "Late fee after paying on time", "Card declined but money taken"),
    "Technical": ("App crashes on login", "Router keeps dropping", "Cannot reset password",
                  "Sync stopped working", "Error 503 on checkout"),
    "Returns": ("Return label never arrived", "Item returned, no refund", "Wrong size delivered"),
    "Sales": ("Question about the family plan", "Discount code not accepted", "Upgrade pricing"),
    "Escalations": ("Complaint about previous agent", "Third call about the same outage"),
    "Accounts": ("Cannot change account owner", "Address change not saved", "Close my account"),
    "Shipping": ("Parcel stuck in transit", "Delivered to wrong address", "Courier says address invalid"),
    "Warranty": ("Screen failed after 3 months", "Warranty claim rejected", "Replacement is faulty too"),
    "Onboarding": ("Setup appointment missed", "Activation email never came"),
    "Retention": ("Want to cancel: price went up", "Competitor offer, will you match?"),
    "Fraud": ("Unknown purchase on my account", "Phishing email in your name"),
    "General": ("Opening hours over the holidays", "Feedback on store visit", "Where is my order?"),
}
TRANSFER_NOTES = ("Needs a billing adjustment; customer verified", "Technical fault suspected; logs attached",
                  "Refund depends on the return; sent to Returns", "Carrier issue; Shipping owns it",
                  "Not ours: account change needed first", "Warranty decision needed before repair",
                  "Customer asked for a specialist")
REPLIES = ("Thanks for your patience; here is what I found.", "I have fixed it and confirmed on my side.",
           "Could you send a photo of the label?", "Refund issued; 3–5 working days.",
           "I have escalated this and will call you tomorrow.")
CONTACT_NOTES = ("Customer called again: no update received", "Customer emailed: still broken",
                 "Customer chatted: getting annoyed", "")
REASONS = ("Ping-pong: one owner until resolved", "Owner absent or off shift", "Load balancing",
           "Needs a specialist")
CHANNELS = (("phone", 35), ("email", 30), ("chat", 25), ("social", 6), ("walk-in", 4))
PRIORITIES = (("urgent", 5), ("high", 20), ("normal", 55), ("low", 20))
SLA_MINUTES = {"urgent": 15, "high": 60, "normal": 240, "low": 480}


INITIALS = "ABCDEFGHJKLMNPRSTVW"


def customer_name(n: int) -> str:
    """The ``n``-th demo customer's name, unique and read as a person's: "Ana Silva", then with a middle
    initial ("Ana B. Silva"), then double-barrelled ("Ana Silva-Patel", "Ana B. Silva-Patel"); never a
    number suffix until some 720,000 customers (a demo of two million tickets) have used every one."""
    people = len(FIRST) * len(LAST)
    first, rest = FIRST[n % len(FIRST)], n // len(FIRST)
    last, rest = LAST[rest % len(LAST)], rest // len(LAST)
    if rest == 0:
        return f"{first} {last}"
    rest -= 1
    if rest < len(INITIALS):
        return f"{first} {INITIALS[rest]}. {last}"
    rest -= len(INITIALS)
    pairs = len(LAST) - 1
    if rest < pairs * (1 + len(INITIALS)):
        other = LAST[(LAST.index(last) + 1 + rest % pairs) % len(LAST)]
        initial = rest // pairs
        middle = f" {INITIALS[initial - 1]}." if initial else ""
        return f"{first}{middle} {last}-{other}"
    return f"{first} {last} {n // people + 1}"  # beyond every pattern above: a number, as a last resort
