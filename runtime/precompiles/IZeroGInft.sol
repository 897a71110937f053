// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title ZeroG intelligent NFTs (ERC-7857) for Ethereum tools.
/// @dev Address on every ZeroG chain: 0x000000000000000000000000000000000a010000.
/// @notice Served by the runtime (pallet-revive precompile) over the iNFT pallet: the
/// same tokens `zg inft` and Polkadot.js see. A token id is `collection << 64 | token`.
/// A token's data is encrypted; its data key is sealed to the owner's registered key
/// and moves only with a re-encryption proof the runtime verifies (`iTransferFrom`).
/// ERC-721's plain transfers and approvals are refused: they would move a token
/// without its key. Sealed keys are 64 bytes (two ristretto255 points), re-encryption
/// proofs 160 bytes (three points, two scalars), as in `zerog-inft-primitives`.
interface IZeroGInft {
	/// @notice ERC-721: a token changed owner (through `iTransferFrom`).
	event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
	/// @notice ERC-7857: the data key sealed to `to`'s key, verified by the runtime.
	event PublishedSealedKey(address indexed to, uint256 indexed tokenId, bytes sealedKey);
	/// @notice ERC-7857: `tokenId` was cloned into `newTokenId`, owned by `to`.
	event Cloned(uint256 indexed tokenId, uint256 indexed newTokenId, address from, address to);
	/// @notice ERC-7857: `executor` may use `tokenId`'s current data.
	event Authorization(address indexed from, address indexed executor, uint256 indexed tokenId);
	/// @notice ERC-7857: `executor`'s grant on `tokenId` was withdrawn.
	event AuthorizationRevoked(address indexed from, address indexed executor, uint256 indexed tokenId);

	/// @notice What a token carries: a public description and the id of its encrypted
	/// file in ZeroG storage.
	struct IntelligentData {
		string dataDescription;
		bytes32 dataHash;
	}

	// ERC-721 and ERC-165 views.
	function name() external view returns (string memory);
	function symbol() external view returns (string memory);
	function balanceOf(address owner) external view returns (uint256);
	/// @notice Reverts with "ERC721NonexistentToken" for an unknown token.
	function ownerOf(uint256 tokenId) external view returns (address);
	/// @notice Always the zero address: there are no approvals.
	function getApproved(uint256 tokenId) external view returns (address);
	/// @notice Always false: there are no operators.
	function isApprovedForAll(address owner, address operator) external view returns (bool);
	/// @notice ERC-165 and ERC-721 (0x01ffc9a7, 0x80ac58cd).
	function supportsInterface(bytes4 interfaceId) external view returns (bool);

	// ERC-721 transfers and approvals: each reverts, a private token's key cannot follow.
	function transferFrom(address from, address to, uint256 tokenId) external;
	function safeTransferFrom(address from, address to, uint256 tokenId) external;
	function safeTransferFrom(address from, address to, uint256 tokenId, bytes calldata data) external;
	function approve(address to, uint256 tokenId) external;
	function setApprovalForAll(address operator, bool approved) external;

	// ERC-7857.
	/// @notice The token's data (one entry per token here).
	function intelligentDatasOf(uint256 tokenId) external view returns (IntelligentData[] memory);
	/// @notice The data key as sealed to the owner, and the nonce the next proof binds.
	function sealedKeyOf(uint256 tokenId) external view returns (bytes memory sealedKey, uint64 nonce, uint32 version);
	/// @notice An account's registered encryption key (zero if none).
	function encryptionKeyOf(address account) external view returns (bytes32);
	/// @notice Registers the caller's encryption key with a proof of possession
	/// (commitment and response) bound to the caller's account.
	function registerKey(bytes32 key, bytes32 commitment, bytes32 response) external;
	/// @notice Gives the caller's token to `to` with its data key resealed to `to`'s key.
	/// `from` must be the caller.
	function iTransferFrom(address from, address to, uint256 tokenId, bytes calldata sealedKey, bytes calldata proof) external;
	/// @notice Mints a copy of the caller's token for `to`; returns the new token's id.
	function iCloneFrom(address from, address to, uint256 tokenId, bytes calldata sealedKey, bytes calldata proof) external returns (uint256);
	/// @notice Grants `executor` the data key of the token's current version.
	function authorizeUsage(uint256 tokenId, address executor, bytes calldata sealedKey, bytes calldata proof) external;
	/// @notice Withdraws `executor`'s grant.
	function revokeAuthorization(uint256 tokenId, address executor) external;
}
