//! Word lists the generator combines into realistic names, titles and texts.

/// Adjectives of partner brand names ("Daily Deals Hub").
pub(crate) const ADJECTIVES: &[&str] = &[
    "Daily", "Savvy", "Smart", "Happy", "Frugal", "Urban", "Modern", "Golden", "Bright", "Little",
    "Wild", "Cozy", "Bold", "Clever", "Simple", "Fresh", "Lucky", "Honest", "Green", "Northern",
    "Sunny", "Global", "Local", "Mighty", "Thrifty", "Epic", "Pure", "Vivid", "Wise", "Prime",
    "Rustic", "Coastal", "Classic", "Rapid", "True", "Silver", "Blue", "Red", "Quiet", "Open",
];

/// Nouns of partner brand names.
pub(crate) const NOUNS: &[&str] = &[
    "Deals", "Coupon", "Savings", "Shopper", "Saver", "Bargain", "Cashback", "Rewards", "Style",
    "Kitchen", "Travel", "Tech", "Gadget", "Beauty", "Fitness", "Home", "Garden", "Family",
    "Money", "Outdoor", "Fashion", "Wellness", "Gamer", "Pet", "Baby", "Wedding", "Foodie",
    "Wander", "Budget", "Offer", "Promo", "Voucher", "Review", "Trend", "Market", "Points",
    "Perks", "Nest", "Closet", "Camp",
];

/// Suffixes of partner brand names.
pub(crate) const SUFFIXES: &[&str] = &[
    "Hub",
    "Cabin",
    "Central",
    "Spot",
    "Zone",
    "Network",
    "Media",
    "Club",
    "HQ",
    "Insider",
    "Guide",
    "Lab",
    "Co",
    "Post",
    "Digest",
    "Finder",
    "Pro",
    "World",
    "Journal",
    "Collective",
];

/// Niches of creator names ("Jane Doe Style").
pub(crate) const NICHES: &[&str] = &[
    "Style",
    "Eats",
    "Travels",
    "Fitness",
    "Beauty",
    "Tech",
    "Home",
    "Reviews",
    "Living",
    "Looks",
    "Kitchen",
    "Outdoors",
    "Gaming",
    "Finance",
    "Family",
    "Adventures",
    "Makes",
    "Reads",
];

/// First names of people.
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Jane", "John", "Maria", "David", "Sarah", "Michael", "Emma", "James", "Olivia", "Daniel",
    "Sophia", "Lucas", "Mia", "Noah", "Ava", "Liam", "Chloe", "Ethan", "Grace", "Mateo", "Hannah",
    "Leo", "Isabella", "Oliver", "Amelia", "Samuel", "Zoe", "Arjun", "Priya", "Kenji", "Yuki",
    "Lena", "Felix", "Clara", "Hugo", "Elena", "Marco", "Sofia", "Ahmed", "Fatima", "Chen", "Mei",
    "Tom", "Lucy", "Ben", "Nora", "Raj", "Ana", "Pedro", "Ingrid",
];

/// Family names of people.
pub(crate) const LAST_NAMES: &[&str] = &[
    "Doe", "Smith", "Johnson", "Garcia", "Brown", "Miller", "Davis", "Martinez", "Wilson",
    "Taylor", "Anderson", "Thomas", "Moore", "Lee", "Walker", "Hall", "Young", "King", "Wright",
    "Lopez", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Perez", "Roberts",
    "Turner", "Patel", "Kim", "Nguyen", "Sato", "Tanaka", "Muller", "Schmidt", "Dubois", "Rossi",
    "Silva", "Santos", "Jensen", "Novak", "Kowalski", "Murphy", "Kelly", "Singh", "Chen", "Cohen",
    "Berg",
];

/// Brand (account) name parts for generated accounts.
pub(crate) const BRAND_FIRST: &[&str] = &[
    "Northwind",
    "Acme",
    "Bluebird",
    "Summit",
    "Harbor",
    "Evergreen",
    "Lumen",
    "Atlas",
    "Juniper",
    "Cedar",
    "Nimbus",
    "Orchard",
    "Pioneer",
    "Maple",
    "Riverstone",
    "Sierra",
];

/// Brand (account) name endings for generated accounts.
pub(crate) const BRAND_SECOND: &[&str] = &[
    "Outfitters",
    "Apparel",
    "Home",
    "Beauty",
    "Travel",
    "Electronics",
    "Foods",
    "Sports",
    "Pets",
    "Supply Co",
    "Goods",
    "Wellness",
];

/// Content categories (partner attribute `CATEGORY`).
pub(crate) const CATEGORIES: &[&str] = &[
    "Fashion",
    "Beauty",
    "Travel",
    "Electronics",
    "Home & Garden",
    "Health & Wellness",
    "Food & Drink",
    "Sports & Outdoors",
    "Finance",
    "Gaming",
    "Parenting",
    "Pets",
    "Automotive",
    "Books",
    "Software",
    "Education",
    "Jewelry",
    "Luxury",
    "Toys",
    "Music",
];

/// Job titles of partner contacts.
pub(crate) const CONTACT_TITLES: &[&str] = &[
    "Partnerships Manager",
    "Founder",
    "Editor-in-Chief",
    "Head of Affiliate",
    "Marketing Director",
    "Content Creator",
    "Business Development Lead",
    "Talent Manager",
    "Co-Founder",
    "Growth Lead",
];

/// Job titles of account users.
pub(crate) const USER_TITLES: &[&str] = &[
    "Affiliate Manager",
    "Performance Marketing Manager",
    "Analyst",
    "Finance",
    "Partnerships Lead",
    "Implementation Specialist",
    "Marketing Director",
];

/// Street names of addresses.
pub(crate) const STREETS: &[&str] = &[
    "Main", "Oak", "Maple", "Park", "Market", "Church", "High", "Station", "Mill", "River", "Lake",
    "Hill", "King", "Queen", "Union", "Elm", "Cedar", "Pine", "Bridge", "Victoria",
];

/// Street kinds of addresses.
pub(crate) const STREET_KINDS: &[&str] = &["St", "Ave", "Rd", "Blvd", "Lane", "Way", "Dr"];

/// Audience phrases of descriptions.
pub(crate) const AUDIENCES: &[&str] = &[
    "budget-conscious families",
    "young professionals",
    "students",
    "outdoor enthusiasts",
    "busy parents",
    "travellers",
    "tech early adopters",
    "home cooks",
    "gamers",
    "fashion lovers",
    "fitness fans",
    "pet owners",
    "deal hunters",
    "small business owners",
];

/// Sentences appended to descriptions.
pub(crate) const DESCRIPTION_TAILS: &[&str] = &[
    "Our readers trust our honest, hands-on reviews.",
    "We publish new content every week and a weekly newsletter.",
    "We only promote brands we genuinely use.",
    "Our audience converts well on seasonal promotions.",
    "We run dedicated campaigns for Black Friday and the holidays.",
    "Exclusive codes perform best with our community.",
    "We work with a small number of hand-picked brands.",
    "",
];

/// Bodies of partner notes.
pub(crate) const NOTE_BODIES: &[&str] = &[
    "Discussed Q4 promotion calendar; partner wants an exclusive code.",
    "Sent media kit request, awaiting reply.",
    "Partner asked about increasing the commission for new customers.",
    "Called to review last month's performance. Traffic is up, conversion flat.",
    "Agreed on a homepage placement for the spring sale.",
    "Partner reported tracking issues on mobile; escalated to the integration team.",
    "Follow up after the holidays about a dedicated newsletter send.",
    "Reviewed compliance: coupon codes appear on unapproved sites.",
    "Intro call with the new partnerships manager.",
    "Partner prefers to be contacted over chat.",
    "Shared the product feed and creative assets.",
    "Negotiating a tiered payout for volumes above 100 orders a month.",
];

/// Reasons two partners are linked within an account.
pub(crate) const LINK_REASONS: &[&str] = &[
    "Same parent company",
    "Shared payment details",
    "Same tax ID",
    "Duplicate sign-up",
    "Managed by the same agency",
];

/// Names of partner groups.
pub(crate) const GROUP_NAMES: &[&str] = &[
    "VIP Partners",
    "Top Performers",
    "Coupon Sites",
    "Loyalty & Cashback",
    "Influencers",
    "Content Creators",
    "Holiday Push",
    "Back to School",
    "New Recruits",
    "EU Expansion",
    "Tech Reviewers",
    "Mobile Apps",
    "Dormant - Reactivate",
    "Tier 1",
    "Tier 2",
    "Tier 3",
    "Black Friday",
    "Spring Sale",
    "Needs Compliance Review",
    "Newsletter Partners",
];
