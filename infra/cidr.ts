/**
 * IPv4 CIDR maths: parsing, containment, overlap and the subnet plan of a VPC.
 * Pure functions, tested without Pulumi.
 */

/** A parsed IPv4 CIDR block. `network` is the first address as an unsigned 32-bit number. */
export interface Cidr {
    readonly network: number;
    readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything else, including host bits set. */
export function parseCidr(text: string): Cidr | undefined {
    const m = CIDR_RE.exec(text.trim());
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const network = address - (address % blockSize(prefix));
    if (network !== address) {
        // 10.10.1.0/16 is almost always a typo for 10.10.0.0/16: refuse, do not round.
        return undefined;
    }
    return { network, prefix };
}

/** Like parseCidr, but throws with the text when it is not a canonical IPv4 CIDR. */
export function mustParseCidr(text: string): Cidr {
    const cidr = parseCidr(text);
    if (!cidr) {
        throw new Error(`"${text}" is not a canonical IPv4 CIDR such as 10.10.0.0/16`);
    }
    return cidr;
}

/** The number of addresses in a block of this prefix length. */
export function blockSize(prefix: number): number {
    return 2 ** (32 - prefix);
}

export function formatCidr(cidr: Cidr): string {
    const n = cidr.network;
    const octets = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    return `${octets.join(".")}/${cidr.prefix}`;
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
    return (
        inner.prefix >= outer.prefix &&
        inner.network >= outer.network &&
        inner.network + blockSize(inner.prefix) <= outer.network + blockSize(outer.prefix)
    );
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
    return contains(a, b) || contains(b, a);
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(mustParseCidr);

/** True when the block lies inside one of the RFC 1918 private ranges. */
export function isPrivate(cidr: Cidr): boolean {
    return PRIVATE_RANGES.some((range) => contains(range, cidr));
}

/** The `index`-th block of length `newPrefix` inside `parent`. */
export function subdivide(parent: Cidr, newPrefix: number, index: number): Cidr {
    const count = blockSize(parent.prefix) / blockSize(newPrefix);
    if (newPrefix < parent.prefix || index < 0 || index >= count) {
        throw new Error(`block ${index} of /${newPrefix} does not fit in ${formatCidr(parent)}`);
    }
    return { network: parent.network + index * blockSize(newPrefix), prefix: newPrefix };
}

/** AWS refuses subnets smaller than /28. */
export const SMALLEST_SUBNET_PREFIX = 28;
/** The subnet plan has room for this many AZs (six of the eight private slots). */
export const MAX_AZS = 6;

export interface SubnetPlan {
    /** One private subnet CIDR per AZ, in AZ order. */
    readonly private: string[];
    /** One public subnet CIDR per AZ, in AZ order; empty when the VPC has no public tier. */
    readonly public: string[];
}

/**
 * Carves one private (and optionally one public) subnet per AZ out of a VPC block.
 *
 * The VPC is cut in eight: AZ `i` gets the `i`-th eighth as its private subnet (nodes and
 * pods take VPC IPs with the VPC CNI, so the private tier gets the room). The last two
 * eighths are cut into eight small public blocks, for the NAT gateways and public LBs.
 * Slots are fixed by AZ index, so adding an AZ never moves an existing subnet (which
 * would replace it).
 */
export function planSubnets(vpcCidr: string, azCount: number, withPublic: boolean): SubnetPlan {
    const vpc = mustParseCidr(vpcCidr);
    if (!Number.isInteger(azCount) || azCount < 1 || azCount > MAX_AZS) {
        throw new Error(`azCount must be a whole number from 1 to ${MAX_AZS}, got ${azCount}`);
    }
    const privatePrefix = vpc.prefix + 3;
    const publicPrefix = vpc.prefix + 5;
    const smallest = withPublic ? publicPrefix : privatePrefix;
    if (smallest > SMALLEST_SUBNET_PREFIX) {
        const tier = withPublic ? "public" : "private";
        throw new Error(
            `${vpcCidr} is too small: its ${tier} subnets would be /${smallest}, ` +
                `smaller than the AWS minimum /${SMALLEST_SUBNET_PREFIX}; ` +
                `use a /${SMALLEST_SUBNET_PREFIX - (smallest - vpc.prefix)} or larger VPC`,
        );
    }
    const azs = [...Array(azCount).keys()];
    const privateSubnets = azs.map((i) => formatCidr(subdivide(vpc, privatePrefix, i)));
    const publicRange = subdivide(vpc, vpc.prefix + 2, 3); // the last quarter: eighths 6 and 7
    const publicSubnets = withPublic ? azs.map((i) => formatCidr(subdivide(publicRange, publicPrefix, i))) : [];
    return { private: privateSubnets, public: publicSubnets };
}
